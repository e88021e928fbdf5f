import type { MigrationInterface, QueryRunner } from 'typeorm';

/** BIL-1, BIL-2: one statement per centre and month, its lines, its state, its invoice and payment. */
export class MonthlyStatements1763900000800 implements MigrationInterface {
  name = 'MonthlyStatements1763900000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monthly_statements (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        state text NOT NULL CHECK (state IN ('prepared', 'sent', 'invoiced', 'paid')),
        -- BIL-1: due by the 5th of the next month, end of day in Paris.
        due_at timestamptz NOT NULL,
        lines jsonb NOT NULL,
        candidates integer NOT NULL,
        price_excl_vat_cents integer NOT NULL,
        price_incl_vat_cents integer NOT NULL,
        pix_share_excl_vat_cents integer NOT NULL,
        pix_share_incl_vat_cents integer NOT NULL,
        reminders_sent integer NOT NULL DEFAULT 0,
        sent_at timestamptz,
        late boolean NOT NULL DEFAULT false,
        invoice_issued_on date,
        invoice_amount_cents integer,
        paid_on date,
        prepared_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, month)
      )`);
    await q.query(`CREATE INDEX monthly_statements_due_idx ON monthly_statements(due_at) WHERE state = 'prepared'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE monthly_statements`);
  }
}
