/** The dev stack still imports the demo seed from here; it lives in app/admin/seed-demo.ts. */
export { seedDemoOrganization, type SeedDemoResult } from '../../app/admin/seed-demo';
