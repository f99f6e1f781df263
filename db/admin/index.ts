/**
 * The admin actions live in app/admin/. Scripts outside the admin code (the benchmark, the resilience
 * tests) still import the operator's slug-addressed actions from here under their former names; new
 * code imports app/admin/operator-actions.ts.
 */
export {
  createCategoryAsOperator as createCategory,
  createOrganizationAsOperator as createOrganization,
  createRoutingRuleAsOperator as createRoutingRule,
  createUserAsOperator as createUser,
  issueTokenAsOperator as issueApiToken,
  updateSettingsAsOperator as updateOrganizationSettings,
} from '../../app/admin/operator-actions';
