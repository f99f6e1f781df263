// The tables the admin functions work with through the ORM; everything else is read and written
// with SQL in db/ (a test holds these entities against the migrated schema).
export * from './organization.entity';
export * from './user.entity';
export * from './api-token.entity';
export * from './category.entity';
export * from './routing-rule.entity';
