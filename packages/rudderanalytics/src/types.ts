/**
 * The calls a back end makes, in the wire's own camelCase field names.
 * The types encode what the compiler can check; everything else is checked at the call (see validate.ts).
 */

/** A JSON object as the caller gives it (properties, traits, context). */
export type JsonObject = { [key: string]: unknown };

/** An id as the gateway accepts it: strings, or numbers that it stringifies. */
export type Id = string | number;

/** Per-destination switches: `All` plus destination names (case-sensitive), each on/off or a settings object. */
export type Integrations = {
  /** The default for every destination not named; the gateway's default is `true`. */
  All?: boolean;
} & { [destination: string]: boolean | JsonObject | undefined };

/** Every event needs a `userId`, an `anonymousId`, or both. */
export type Identity =
  | {
      /** Your id for the user (required in this form). */
      userId: Id;
      /** An id for a user not (yet) known by `userId`, e.g. a device or session id. */
      anonymousId?: Id;
    }
  | {
      /** Your id for the user, when known. */
      userId?: Id;
      /** An id for a user not (yet) known by `userId` (required in this form). */
      anonymousId: Id;
    };

/** A time: a Date, an ISO 8601 string (sent as given), or epoch milliseconds (sent as ISO 8601). */
export type Timestamp = Date | string | number;

/**
 * Fields every call may carry. The types guide correct calls; at run time the SDK is as liberal as the
 * gateway: other fields are delivered as given, and only what the gateway refuses is refused (see the README).
 */
export interface CommonFields {
  /** Extra context. `context.library` is set by the SDK when absent (a replayed event keeps its own). */
  context?: JsonObject;
  /** Destinations to send to; defaults to `{ All: true }`. */
  integrations?: Integrations;
  /** When the call happened; defaults to now. */
  originalTimestamp?: Timestamp;
  /** The event's time when it differs from the call's (e.g. a backfill). */
  timestamp?: Timestamp;
  /** A caller-chosen idempotency key; a UUID v4 is generated otherwise. */
  messageId?: string;
}

/** `identify`: who the user is, with their traits. */
export type IdentifyCall = CommonFields &
  Identity & {
    /** What is known about the user (email, plan, …), as the user's traits. */
    traits?: JsonObject;
  };
/** `track`: an action the user took (`event`), with its properties. */
export type TrackCall = CommonFields &
  Identity & {
    /** The action's name, e.g. `Order Completed`. */
    event: string;
    /** Details of the action, e.g. `{ revenue: 19.99 }`. */
    properties?: JsonObject;
  };
/** `page`: a web page the user viewed (`name`), with its properties. */
export type PageCall = CommonFields &
  Identity & {
    /** The page's name, e.g. `Pricing`. */
    name: string;
    /** The page's category, e.g. `Docs`. */
    category?: string;
    /** Details of the view, e.g. `{ path: '/pricing' }`. */
    properties?: JsonObject;
  };
/** `screen`: a mobile screen the user viewed (`name`), with its properties. */
export type ScreenCall = CommonFields &
  Identity & {
    /** The screen's name, e.g. `Home`. */
    name: string;
    /** The screen's category. */
    category?: string;
    /** Details of the view. */
    properties?: JsonObject;
  };
/** `group`: the user belongs to a group (`groupId`: a company, a team), with its traits. */
export type GroupCall = CommonFields &
  Identity & {
    /** The group's id (a company, a team). */
    groupId: Id;
    /** What is known about the group (name, seats, …). */
    traits?: JsonObject;
  };
/** `alias`: `previousId` and `userId` are the same user. */
export type AliasCall = CommonFields & {
  /** The user's new id. */
  userId: Id;
  /** The id the user was known by before (an earlier `userId` or an `anonymousId`). */
  previousId: Id;
  /** An anonymous id, sent as given. */
  anonymousId?: Id;
};

/** The six event types. */
export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

/** A call tagged with its type: what `send()` takes, and what a batch holds. */
export type Message =
  | ({
      /** The call's type. */
      type: 'identify';
    } & IdentifyCall)
  | ({
      /** The call's type. */
      type: 'track';
    } & TrackCall)
  | ({
      /** The call's type. */
      type: 'page';
    } & PageCall)
  | ({
      /** The call's type. */
      type: 'screen';
    } & ScreenCall)
  | ({
      /** The call's type. */
      type: 'group';
    } & GroupCall)
  | ({
      /** The call's type. */
      type: 'alias';
    } & AliasCall);

/**
 * Several calls sent together. Batch-level `context` is merged under each item's, recursively (the item wins),
 * batch-level `integrations` apply to items without their own, and each item keeps its own
 * `originalTimestamp` (the batch's is the default for items without one).
 */
export interface BatchMessage {
  /** Always `batch`. */
  type: 'batch';
  /** The calls sent together. */
  batch: Message[];
  /** Merged under each item's `context`, recursively (the item wins). */
  context?: JsonObject;
  /** Used by items without their own `integrations`. */
  integrations?: Integrations;
  /** The default `originalTimestamp` of items without one. */
  originalTimestamp?: Timestamp;
}

/** What `send()` takes: one of the six calls, or a batch of them. */
export type Sendable = Message | BatchMessage;
