import path from 'node:path';

/** Where the benchmark keeps its embedded PostgreSQL and writes its results, relative to the project. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const EMBEDDED_DATA_DIR = path.join(PROJECT_ROOT, '.data', 'bench', 'postgres');
export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
