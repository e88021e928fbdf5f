/** Every workflow the worker runs (the bundle's entry point). */
export { applicationWorkflow } from './application/workflows/application.workflow';
export { agrementWorkflow } from './agrement/workflows/agrement.workflow';
export { sessionDeadlineWorkflow } from './sessions/workflows/session-deadline.workflow';
export { sessionRemedyWorkflow } from './sessions/workflows/remedy.workflow';
export { statementWorkflow } from './billing/workflows/statement.workflow';
export { monthlyStatementsWorkflow } from './billing/workflows/monthly-statements.workflow';
