/**
 * The outbound budget in Redis (`REDIS_URL`), so that every instance of the BFF spends one
 * budget per workspace. Each decision is one Lua script, atomic in Redis and timed by Redis's
 * own clock (`TIME`), so instances with skewed clocks still agree. The script is the same rule
 * as `takeToken`/`penalizeKey` in store.ts, written again in Lua: keep the two in step (the
 * store tests run one scenario against both).
 *
 * When Redis cannot answer, the instance falls back to its own in-memory budget rather than
 * stopping every call: the workspace may then see a 429 that the shared budget would have
 * avoided, which the budget absorbs like any other.
 */
import { Redis } from 'ioredis';
import { type BudgetPolicy, type BudgetStore, MemoryBudgetStore, MIN_SHARE, type TakeResult } from './store.js';

const SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local key = KEYS[1]
local mode = ARGV[1]
local pauseMs = tonumber(ARGV[2])
local safety = tonumber(ARGV[3])
local recover = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local n = (#ARGV - 5) / 2
local pausedUntil = tonumber(redis.call('HGET', key, 'p') or '0')
local share = tonumber(redis.call('HGET', key, 's') or '1')
local shareAt = tonumber(redis.call('HGET', key, 'sa') or '0')
local currentShare = math.min(1, share + math.max(0, now - shareAt) / recover)

if mode == 'penalize' then
  local untilMs = now + pauseMs
  if now >= pausedUntil then
    redis.call('HSET', key, 's', tostring(math.max(${MIN_SHARE}, currentShare / 2)), 'sa', tostring(untilMs))
  end
  pausedUntil = math.max(pausedUntil, untilMs)
  redis.call('HSET', key, 'p', tostring(pausedUntil))
  for i = 1, n do
    redis.call('HSET', key, 't' .. i, '0', 'a' .. i, tostring(pausedUntil))
  end
  redis.call('PEXPIRE', key, ttl + pauseMs)
  return {1, 0}
end

if now < pausedUntil then
  return {0, pausedUntil - now, 1}
end
local wait = 0
local levels = {}
local needs = {}
local rates = {}
for i = 1, n do
  local limit = tonumber(ARGV[4 + 2 * i])
  local window = tonumber(ARGV[5 + 2 * i])
  local rate = limit * currentShare / window
  local capacity = math.max(1, limit * currentShare)
  local stored = redis.call('HGET', key, 't' .. i)
  local tokens = capacity
  if stored then
    local at = tonumber(redis.call('HGET', key, 'a' .. i))
    tokens = math.min(capacity, tonumber(stored) + math.max(0, now - at) * rate)
  end
  local need = math.min(capacity, 1 + rate * math.min(safety, window / 4))
  if tokens < need then
    wait = math.max(wait, (need - tokens) / rate)
  end
  levels[i] = tokens
  needs[i] = need
  rates[i] = rate
end
local granted = 1
if wait > 0 then granted = 0 end
-- Numbers in a reply are truncated to integers: levels go back as strings.
local reply = {granted, math.ceil(wait), 0}
for i = 1, n do
  local left = levels[i] - granted
  redis.call('HSET', key, 't' .. i, tostring(left), 'a' .. i, tostring(now))
  table.insert(reply, tostring(left - needs[i] + 1))
  table.insert(reply, tostring(rates[i]))
end
redis.call('PEXPIRE', key, ttl)
return reply
`;

/** `[granted, waitMs, paused, spare₁, rate₁, spare₂, rate₂, …]` */
type BudgetCommand = (key: string, ...args: string[]) => Promise<Array<number | string>>;

export interface RedisBudgetStoreOptions {
  /** e.g. redis://localhost:6379/0 */
  url: string;
  /** Prefix of the keys the store writes. @default 'twenty-bff:budget:' */
  prefix?: string;
  /** Called when Redis fails and the store falls back to memory (once per outage), and on recovery with no error. */
  onFallback?: (error: Error | undefined) => void;
}

export class RedisBudgetStore implements BudgetStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly fallback = new MemoryBudgetStore();
  private failing = false;

  constructor(private readonly options: RedisBudgetStoreOptions) {
    this.prefix = options.prefix ?? 'twenty-bff:budget:';
    // One retry and a short command timeout: a budget decision that waits on a sick Redis
    // holds up a user's request, so it falls back instead.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    this.redis.on('error', () => {
      // Connection errors surface on the commands, which fall back; this keeps them off stderr.
    });
    this.redis.defineCommand('twentyBudget', { numberOfKeys: 1, lua: SCRIPT });
  }

  async take(key: string, policy: BudgetPolicy): Promise<TakeResult> {
    try {
      const [granted, waitMs, paused, ...levels] = await this.run(key, 'take', 0, policy);
      const buckets = [];
      for (let i = 0; i + 1 < levels.length; i += 2) buckets.push({ spare: Number(levels[i]), rate: Number(levels[i + 1]) });
      return { granted: granted === 1, waitMs: Number(waitMs), paused: paused === 1, levels: buckets };
    } catch (error) {
      this.fellBack(error);
      return this.fallback.take(key, policy);
    }
  }

  async penalize(key: string, pauseMs: number, policy: BudgetPolicy): Promise<void> {
    try {
      await this.run(key, 'penalize', pauseMs, policy);
    } catch (error) {
      this.fellBack(error);
      await this.fallback.penalize(key, pauseMs, policy);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    this.redis.disconnect();
  }

  private async run(key: string, mode: 'take' | 'penalize', pauseMs: number, policy: BudgetPolicy): Promise<Array<number | string>> {
    const ttlMs = 2 * Math.max(policy.recoverMs, ...policy.buckets.map((b) => b.windowMs));
    const buckets = policy.buckets.flatMap((b) => [String(b.limit), String(b.windowMs)]);
    const command = (this.redis as unknown as { twentyBudget: BudgetCommand }).twentyBudget.bind(this.redis);
    const answer = await command(
      this.prefix + key,
      mode,
      String(Math.round(pauseMs)),
      String(policy.safetyMs),
      String(policy.recoverMs),
      String(Math.ceil(ttlMs)),
      ...buckets,
    );
    if (this.failing) {
      this.failing = false;
      this.options.onFallback?.(undefined);
    }
    return answer;
  }

  private fellBack(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.onFallback?.(error instanceof Error ? error : new Error(String(error)));
  }
}
