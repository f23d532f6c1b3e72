package vault

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Live changes. On a team vault every transaction that writes the audit
// trail (every change does) notifies the channel below when it commits;
// Changes listens on its own connection, so a revocation by any admin
// reaches every open vault at once, with no table polled.

const notifyChannel = "certdesk_changes"

// pgNotifyTrigger is installed with the integrity triggers: one
// notification per committed transaction that appended to the audit trail.
const pgNotifyTrigger = `CREATE OR REPLACE FUNCTION main.certdesk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('` + notifyChannel + `', '');
	RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS certdesk_notify ON main.audit;
CREATE TRIGGER certdesk_notify AFTER INSERT ON main.audit FOR EACH STATEMENT EXECUTE FUNCTION main.certdesk_notify();
`

// Changes receives a value soon after any admin's change commits, until
// ctx ends; several changes may arrive as one. A lost connection is
// reconnected, and reported as a change, since some may have been missed.
// On a vault file it returns nil: other processes' changes are found by
// polling LastChange.
func (v *Vault) Changes(ctx context.Context) <-chan struct{} {
	if !v.onServer() || v.dsn == "" {
		return nil
	}
	ch := make(chan struct{}, 1)
	go v.listen(ctx, ch)
	return ch
}

func (v *Vault) listen(ctx context.Context, ch chan<- struct{}) {
	for first := true; ctx.Err() == nil; first = false {
		if !first {
			signal(ch)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
		conn, err := pgx.Connect(ctx, v.dsn)
		if err != nil {
			continue
		}
		if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err == nil {
			for {
				if _, err := conn.WaitForNotification(ctx); err != nil {
					break
				}
				v.followRotation(ctx)
				signal(ch)
			}
		}
		conn.Close(context.Background())
	}
}

// signal sends without blocking: one pending value stands for any number.
func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
