/**
 * DATA-3: what a principal may see, for the other contexts' controllers: a centre or coordinator sees only
 * its organisation (and, for a network head, its members); Pix roles see every organisation.
 * The queries live in the access repository; this is the context's published entry to them.
 */
export { applicationOrganisation, organisationNetworkId, visibleOrganisationIds } from '../infra/access.repository';
