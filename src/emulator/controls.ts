/**
 * Test and benchmark controls: request counters and log, scripted faults, added latency.
 * The same state backs the in-process API and the `/_emulator/*` routes.
 */
/**
 * `429`: the 429 of servers with "API rate limit v2" (Retry-After, X-RateLimit-*, `retryAfterSeconds`);
 * `429-plain`: the 429 most servers send, no headers, `HttpException` and the short bucket's message (§9);
 * `402`: the workspace's credits are spent; `413`: the body is too large.
 */
const FAULT_KINDS = ['500', '502', '503', '429', '429-plain', '402', '413', 'reset', 'hang', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests get the fault; default 1. */
  times?: number;
  /** Matches any method when absent. */
  method?: string;
  /** Matched against the pathname; a string is a prefix. Matches any path when absent. */
  path?: string | RegExp;
  /** Only requests of this workspace (`acme`, `globex`); any when absent. */
  workspace?: string;
  /** For 429: the Retry-After seconds; default 1. */
  retryAfterSeconds?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  workspace: string | null;
  status: number;
  object: string | null;
}

export interface EmulatorStats {
  requests: {
    total: number;
    byMethod: Record<string, number>;
    byObject: Record<string, number>;
    byWorkspace: Record<string, number>;
    log: RequestLogEntry[];
  };
}

export type Latency = number | { min: number; max: number };

const LOG_CAP = 20_000;

export class Controls {
  private total = 0;
  private byMethod: Record<string, number> = {};
  private byObject: Record<string, number> = {};
  private byWorkspace: Record<string, number> = {};
  private log: RequestLogEntry[] = [];
  private faults: Array<FaultSpec & { remaining: number }> = [];
  latency: Latency;

  constructor(latency: Latency = 0) {
    this.latency = latency;
  }

  record(entry: RequestLogEntry): void {
    this.total++;
    this.byMethod[entry.method] = (this.byMethod[entry.method] ?? 0) + 1;
    if (entry.object) this.byObject[entry.object] = (this.byObject[entry.object] ?? 0) + 1;
    if (entry.workspace) this.byWorkspace[entry.workspace] = (this.byWorkspace[entry.workspace] ?? 0) + 1;
    this.log.push(entry);
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
  }

  stats(): EmulatorStats {
    return {
      requests: {
        total: this.total,
        byMethod: { ...this.byMethod },
        byObject: { ...this.byObject },
        byWorkspace: { ...this.byWorkspace },
        log: this.log.map((e) => ({ ...e })),
      },
    };
  }

  reset(): void {
    this.total = 0;
    this.byMethod = {};
    this.byObject = {};
    this.byWorkspace = {};
    this.log = [];
    this.faults = [];
  }

  injectFault(fault: FaultSpec): void {
    if (!fault || !(FAULT_KINDS as readonly string[]).includes(fault.kind)) {
      throw new TypeError(`injectFault: kind must be one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(fault?.kind)}`);
    }
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError(`injectFault: times must be a positive integer, got ${times}`);
    this.faults.push({ ...fault, remaining: times });
  }

  /** The fault the next request gets, consuming one use of it. */
  takeFault(method: string, pathname: string, workspace: string | null = null): FaultSpec | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (f.workspace === undefined || f.workspace === workspace) &&
        (f.path === undefined || (typeof f.path === 'string' ? pathname.startsWith(f.path) : f.path.test(pathname))),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  setLatency(latency: Latency): void {
    if (typeof latency === 'number' ? !(latency >= 0) : !(latency && latency.min >= 0 && latency.max >= latency.min)) {
      throw new TypeError(`setLatency: expected ms >= 0 or {min, max} with 0 <= min <= max, got ${JSON.stringify(latency)}`);
    }
    this.latency = latency;
  }

  delayMs(): number {
    const l = this.latency;
    if (typeof l === 'number') return l;
    return l.min + Math.random() * (l.max - l.min);
  }
}
