import { AgrementEntity } from './agrement.entity';
import { ApiTokenEntity } from './api-token.entity';
import { ApplicationEntity } from './application.entity';
import { EmailOutboxEntity } from './email-outbox.entity';
import { EventLogEntity } from './event-log.entity';
import { OrganisationEntity } from './organisation.entity';
import { PieceEntity } from './piece.entity';
import { UserEntity } from './user.entity';

export { AgrementEntity, ApiTokenEntity, ApplicationEntity, EmailOutboxEntity, EventLogEntity, OrganisationEntity, PieceEntity, UserEntity };
export const ENTITIES = [AgrementEntity, OrganisationEntity, ApplicationEntity, PieceEntity, EventLogEntity, EmailOutboxEntity, UserEntity, ApiTokenEntity];
