import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface CaseHistoryShape {
  workflowId: string;
  events: number;
  workflowTasks: number;
  /** Activity types in the order the case scheduled them: the round trips between a webhook and the announcement. */
  activities: string[];
}

const EventType = temporal.api.enums.v1.EventType;

/** The Temporal round trips one processed case took, read from its history. */
export async function readCaseHistoryShape(input: { client: Client; workflowId: string }): Promise<CaseHistoryShape> {
  const history = await input.client.workflow.getHandle(input.workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    workflowId: input.workflowId,
    events: events.length,
    workflowTasks: events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length,
    activities: events
      .filter((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      .map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'),
  };
}
