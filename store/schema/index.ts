// Every table of the store; drizzle-kit reads this file to generate migrations.
export * from './core';
export * from './ledger';
export * from './community';
export * from './nudges';
export * from './handoff';
export * from './llm';
