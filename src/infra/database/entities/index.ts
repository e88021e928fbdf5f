import { AgrementEntity } from './agrement.entity';
import { ApplicationEntity } from './application.entity';
import { EmailOutboxEntity } from './email-outbox.entity';
import { EventLogEntity } from './event-log.entity';
import { OrganisationEntity } from './organisation.entity';
import { PieceEntity } from './piece.entity';

export { AgrementEntity, ApplicationEntity, EmailOutboxEntity, EventLogEntity, OrganisationEntity, PieceEntity };
export const ENTITIES = [AgrementEntity, OrganisationEntity, ApplicationEntity, PieceEntity, EventLogEntity, EmailOutboxEntity];
