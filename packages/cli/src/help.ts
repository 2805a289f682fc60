/** The text of `--help`, per command. */

const CONNECTION = `Connection (every command that sends):
  --write-key KEY          source write key        (else $RUDDER_WRITE_KEY, else the local dev key)
  --data-plane-url URL     data plane base URL     (else $RUDDER_DATA_PLANE_URL, else http://127.0.0.1:8080)
  --no-gzip                send plain JSON bodies
  --batch-size N           events per request (the SDK's flushAt; default 1000)
  --timeout MS             deadline of one request (default 10000)
  --max-attempts N         attempts per batch before giving up (default: 5 for calls, 10 for send)
  --verbose                also log each retry
  The write key is never printed: messages show at most its last 4 characters.`;

const CALL_FIELDS = `Fields:
  --user-id ID             userId (a userId or an anonymousId is required)
  --anonymous-id ID        anonymousId
  --event NAME             track: the event name (required)
  --name NAME              page/screen: the name (required)
  --category NAME          page/screen: the category
  --group-id ID            group: the group (required)
  --previous-id ID         alias: the previous id (required, with --user-id)
  --properties JSON        track/page/screen properties, a JSON object
  --traits JSON            identify/group traits, a JSON object
  --context JSON           extra context, a JSON object
  --integrations JSON      destinations on/off, e.g. '{"All":false,"Amplitude":true}'
  --timestamp ISO          when the call happened (sent as originalTimestamp; default now)
  --message-id ID          the event's messageId (default: a new UUID)`;

export const MAIN_HELP = `rudder: send RudderStack events and run a local data plane

Usage: rudder <command> [flags]

Commands:
  identify|track|page|screen|group|alias      send one call, print its messageId once accepted
  send [FILE…|-]                              stream JSON Lines (or a JSON array) of calls
  dev                                         run a local data plane (SQLite, live page)
  events                                      list or follow what the local data plane stored
  plan validate|coverage|draft|diff|compile   tracking plans offline: check events, compare
                                              versions, compile validators for Workers
  typegen --plan PLAN --out FILE              typed calls (TypeScript) from a tracking plan; --check for CI
  transformations test|run                    run user transformations and their tests, offline
  warehouse load|schema                       RudderStack's warehouse tables, locally (DuckDB or Postgres)

Run 'rudder <command> --help' for a command's flags and examples.

Config precedence: flags, then $RUDDER_WRITE_KEY / $RUDDER_DATA_PLANE_URL, then the local
data plane's defaults (http://127.0.0.1:8080 and its dev write key), so after 'rudder dev'
everything works with no setup.

Ctrl-C: no new request is sent; the answers to requests in flight are awaited up to 2 s; then
--failed-out marks each undelivered event "delivery":"unknown" (in a request with no answer: may
have been delivered) or "delivery":"no" (never sent). Ctrl-C again quits at once.

Exit codes: 0 done, 1 something invalid or not delivered, 2 usage error, 130 interrupted.

Examples:
  rudder dev
  rudder track --user-id u1 --event "Order Completed" --properties '{"revenue":19.99}'
  rudder send events.jsonl --failed-out failed.jsonl
  rudder events --type track --follow
`;

export function callHelp(type: string): string {
  const example: Record<string, string> = {
    identify: `rudder identify --user-id u1 --traits '{"email":"a@example.com","plan":"pro"}'`,
    track: `rudder track --user-id u1 --event "Order Completed" --properties '{"revenue":19.99}'`,
    page: `rudder page --anonymous-id a1 --name Pricing --properties '{"path":"/pricing"}'`,
    screen: `rudder screen --user-id u1 --name Home`,
    group: `rudder group --user-id u1 --group-id acme --traits '{"seats":12}'`,
    alias: `rudder alias --user-id u1 --previous-id anon-42`,
  };
  return `Usage: rudder ${type} [flags]
       echo '{…call…}' | rudder ${type}

Sends one ${type} call and prints its messageId once the data plane accepted it.
With no field flags and stdin not a terminal, the call is read as one JSON object from stdin
(wire field names: userId, anonymousId, event, properties, …; "type" may be omitted).

${CALL_FIELDS}

${CONNECTION}

Exit codes: 0 accepted; 1 invalid call (the message names the field and the rule) or not
delivered (the message gives the HTTP status); 2 usage error.

Examples:
  ${example[type]}
  echo '{"userId":"u1","event":"Signed Up"}' | rudder track
  RUDDER_WRITE_KEY=… RUDDER_DATA_PLANE_URL=https://you.dataplane.rudderstack.com ${example[type]}
`;
}

export const SEND_HELP = `Usage: rudder send [FILE…|-] [flags]

Streams calls to the data plane. Input (files in order; '-' or no file reads stdin):
  - JSON Lines: one call per line, each with its "type" (identify, track, page, screen, group,
    alias); a line may also be a batch {"batch":[…]} or {"type":"batch","batch":[…]}.
  - a JSON array of calls, or one (pretty-printed) {"batch":[…]} object. These are read whole:
    use JSON Lines for huge inputs; JSON Lines are streamed with bounded memory at any size.
  - the records --failed-out writes ({"line":…,"reason":…,"event":{…}}): their "event" is sent,
    so a failed-out file can be replayed as is.
A line is refused only when the gateway would refuse it (no usable userId/anonymousId, not an
object), JSON cannot carry it, or it is too large; it is reported with its line number and the
rule, and the rest is still sent. Other fields are delivered as given; likely mistakes are warned.

Flags:
  --failed-out FILE        write every event not delivered (invalid, or refused/failed) as JSONL:
                           {"line":12,"reason":"userId: …","event":{…the call…}}; replay with
                           'rudder send FILE'
  --dry-run                validate only; nothing is sent (no network)
  --strict                 refuse what is otherwise delivered with a warning (misspelt fields,
                           unreadable timestamps, …) and require event/name/groupId/previousId
  --quiet                  no progress output (the summary is still printed)
  --progress-interval S    seconds between progress lines when stderr is not a terminal (default 5)

${CONNECTION}

Output: a progress bar on a terminal (events/s, delivered, failed, ETA when the size is known),
else periodic plain lines; then what was delivered unchanged / with warnings (per warning), what
was refused and why (per rule), and one summary line:
  read N · delivered N · invalid N · failed N · dropped N · 1.2s · 83,000 events/s

Exit codes: 0 everything delivered (or valid, with --dry-run); 1 some lines were invalid or
not delivered; 2 usage error (bad flag, unreadable file); 130 interrupted (Ctrl-C).

Examples:
  rudder send events.jsonl
  cat a.jsonl b.jsonl | rudder send - --failed-out failed.jsonl
  rudder send failed.jsonl --failed-out failed-again.jsonl      # replay
  rudder send --dry-run events.jsonl
`;

/** `rudder dev --help`, around the data plane's own flag list (`DATAPLANE_USAGE`), which it parses with. */
export function devHelp(dataPlaneUsage: string): string {
  return `Usage: rudder dev [flags]

Starts a local RudderStack-compatible data plane: the gateway's HTTP API (/v1/batch, …),
SQLite storage, the query API (/api/events) and a live page. Prints its URL, the local dev
write key (public by design; every other key is masked) and the live page URL, and runs until
Ctrl-C (SIGINT or SIGTERM close it cleanly).

${dataPlaneUsage}

Environment: RUDDER_PORT and RUDDER_DB are read when --port and --db are not given.

Examples:
  rudder dev
  rudder dev --port 9090 --db /tmp/events.db
  rudder dev --config sources.json --write-key "$MY_SOURCE_KEY"
`;
}

export const EVENTS_HELP = `Usage: rudder events [flags]

Lists what a local data plane stored (GET {url}/api/events), oldest first, as a table
(time, type, user, event/name, messageId) or as JSON Lines.

Flags:
  --type TYPE              identify, track, page, screen, group or alias
  --user-id ID             exact userId
  --anonymous-id ID        exact anonymousId
  --event NAME             track event name, or page/screen name
  --message-id ID          one event
  --since ID|ISO           only after this row id, or received at/after this time; pages
                           forward: the first N after it (next page: --since <its last id>)
  --limit N                N rows, 1 to 10000 (default 20): the newest N, or the first N after --since
  --json                   JSON Lines: one stored event per line (with the full payload)
  --follow, -f             keep printing new events as they are stored (until Ctrl-C)
  --data-plane-url URL     (else $RUDDER_DATA_PLANE_URL, else http://127.0.0.1:8080)
  --read-token TOKEN       (else $RUDDER_READ_TOKEN) the read token the data plane printed at
                           startup, when it has one: every reader needs it

Examples:
  rudder events
  rudder events --type track --user-id u1 --limit 5
  rudder events --json --since 0 --limit 1000          # then --since <the last id> for the next page
  rudder events --follow --json | jq .payload.properties
`;

export const WAREHOUSE_HELP = `Usage: rudder warehouse load --to TARGET [--from DB] [--flavour F]
       rudder warehouse schema --warehouse TARGET [--json]

The tables RudderStack's warehouse destinations create (tracks, one table per track event,
identifies, users, pages, screens, groups, aliases, rudder_discards), with its column names and
types, in a local warehouse. 'rudder dev --warehouse TARGET' loads as events arrive; 'load' fills
one from an existing data plane database. Both keep a cursor in the warehouse: nothing is loaded twice.

TARGET:
  duckdb:FILE              a DuckDB file (created when missing)
  postgres://USER@HOST:PORT/DB   a PostgreSQL database (the password is never printed)

load:
  --to TARGET              the warehouse to load (required)
  --from DB                the data plane's SQLite file (default $RUDDER_DB, else ./.rudder/dataplane.db)
  --flavour F              for DuckDB: the naming and types of your real warehouse:
                           postgres (default), snowflake, bigquery, redshift
  --quiet                  no progress lines

schema:
  --warehouse TARGET       the warehouse to describe (a DuckDB file must not be open in 'rudder dev')
  --json                   print JSON: tables, columns with types, latest discards and refused events

Examples:
  rudder dev --warehouse duckdb:./events.duckdb --warehouse-flavour snowflake
  rudder warehouse load --from .rudder/dataplane.db --to postgres://postgres@127.0.0.1:5432/analytics
  rudder warehouse schema --warehouse duckdb:./events.duckdb
`;
