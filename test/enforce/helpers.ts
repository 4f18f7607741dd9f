// A fresh enforcer on a real SQLite file in a temp dir, with a fixed account directory and a settable clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/load.ts';
import type { EnforcementConfig } from '../../src/config/schema.ts';
import type { Decision, Verdict } from '../../src/detect/types.ts';
import { type AccountInfo, Enforcer } from '../../src/enforce/enforcer.ts';
import type { DetectorThresholds } from '../../src/enforce/rules.ts';
import { openDatabase, type Database } from '../../src/store/sqlite.ts';

export interface TempEnforcer {
  dir: string;
  file: string;
  db: Database;
  enforcer: Enforcer;
  accounts: Map<string, AccountInfo>;
  /** Another connection and Enforcer on the same file, as another process would have. */
  openAnother(config?: Partial<EnforcementConfig>): { db: Database; enforcer: Enforcer };
}

export function enforcementConfig(over: Record<string, unknown> = {}): EnforcementConfig {
  return resolveConfig({ enforcement: over }).enforcement;
}

export function tempEnforcer(
  t: { after(fn: () => void): void },
  over: Record<string, unknown> = {},
  detectorThresholds?: DetectorThresholds,
): TempEnforcer {
  const dir = mkdtempSync(join(tmpdir(), 'dg-enforce-'));
  const file = join(dir, 'distillguard.sqlite');
  const accounts = new Map<string, AccountInfo>();
  const dbs: Database[] = [];
  const enforcers: Enforcer[] = [];
  t.after(() => {
    for (const e of enforcers) e.stop();
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (config: Record<string, unknown>) => {
    const db = openDatabase(file);
    dbs.push(db);
    const enforcer = new Enforcer({
      db,
      config: enforcementConfig(config),
      detectorVersion: '1.2.3',
      ...(detectorThresholds ? { detectorThresholds } : {}),
      accountInfo: (id) => accounts.get(id) ?? null,
    });
    enforcers.push(enforcer);
    return { db, enforcer };
  };
  const first = open(over);
  return { dir, file, db: first.db, enforcer: first.enforcer, accounts, openAnother: (config = {}) => open({ ...over, ...config }) };
}

export function decision(
  account: string,
  verdict: Verdict,
  risk: number,
  campaign: string | null = null,
  more: Partial<Pick<Decision, 'suspected' | 'ts'>> = {},
): Decision {
  return { account_id: account, ts: '2026-11-27T00:00:00.000Z', verdict, risk, campaign_id: campaign, reason: `${verdict} signals`, ...more };
}
