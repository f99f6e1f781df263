export const EMPTY_WORKFLOW_TASK_QUEUE = 'bench-empty';
