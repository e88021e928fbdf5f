/** Every workflow the worker runs (the bundle's entry point). */
export { applicationWorkflow } from './application/application.workflow';
export { agrementWorkflow } from './agrement/agrement.workflow';
export { sessionDeadlineWorkflow } from './session/session-deadline.workflow';
export { sessionRemedyWorkflow } from './session/remedy.workflow';
export { statementWorkflow } from './billing/statement.workflow';
export { monthlyStatementsWorkflow } from './billing/monthly-statements.workflow';
