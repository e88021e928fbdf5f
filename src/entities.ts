import { AgrementEntity } from './agrement/infra/agrement.entity';
import { ApiTokenEntity } from './access/infra/api-token.entity';
import { ApplicationEntity } from './application/infra/application.entity';
import { EmailOutboxEntity } from './mail/infra/email-outbox.entity';
import { EventLogEntity } from './shared/event-log/event-log.entity';
import { OrganisationEntity } from './application/infra/organisation.entity';
import { PieceEntity } from './application/infra/piece.entity';
import { UserEntity } from './access/infra/user.entity';

export {
  AgrementEntity,
  ApiTokenEntity,
  ApplicationEntity,
  EmailOutboxEntity,
  EventLogEntity,
  OrganisationEntity,
  PieceEntity,
  UserEntity,
};
export const ENTITIES = [
  AgrementEntity,
  OrganisationEntity,
  ApplicationEntity,
  PieceEntity,
  EventLogEntity,
  EmailOutboxEntity,
  UserEntity,
  ApiTokenEntity,
];
