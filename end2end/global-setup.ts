// Every page needs a session now: sign the admin in once, through the same
// server function the login form posts to, and keep the session cookie in a
// storage state that both projects start their contexts (and `request`) with.
import { request, type FullConfig } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ADMIN_STATE } from './playwright.config';

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL ?? process.env.BASE_URL ?? 'http://127.0.0.1:8002';
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) {
    throw new Error('E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD must be set (make test-e2e sets them)');
  }
  const api = await request.newContext({ baseURL });
  try {
    // The server refuses state-changing requests without our own Origin (CSRF).
    const res = await api.post('/api/fn/auth_login', {
      form: { email, password },
      headers: { Origin: new URL(baseURL).origin },
    });
    if (!res.ok()) throw new Error(`admin login failed: HTTP ${res.status()} ${await res.text()}`);
    const state = await api.storageState();
    if (!state.cookies.some((c) => c.name === 'ds_session' && c.value !== '')) {
      throw new Error('admin login answered without a ds_session cookie');
    }
    await mkdir(dirname(ADMIN_STATE), { recursive: true });
    await api.storageState({ path: ADMIN_STATE });
  } finally {
    await api.dispose();
  }
}
