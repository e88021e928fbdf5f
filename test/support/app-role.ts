/** Issue 12: the role the tests' API and worker use (fixed credentials: a local, throwaway cluster or database). */
export const TEST_APP_ROLE = { role: 'pix_agrement_app_test', password: 'pix-agrement-app-test' };
