import {
  createSwitchyardClient,
  SwitchyardProblem,
  type Session as TokenPair,
} from '@switchyard/client';

/** The signed-in person, as GET /v1/auth/me tells. */
export interface StaffUser {
  id: string;
  email: string;
  name: string;
}

export type SessionState =
  | { status: 'signed-out'; notice?: string }
  /** Signed in with the right password, but without the admin role: the console refuses. */
  | { status: 'refused'; email: string }
  | { status: 'signed-in'; user: StaffUser };

/** Refresh this long before the access token expires, so no request carries an expired one. */
const REFRESH_MARGIN_MS = 60_000;
/** A token this close to its expiry is refreshed before a request is sent with it. */
const STALE_MARGIN_MS = 15_000;

const origin = () => window.location.origin;

/**
 * The console's session: the access and refresh tokens in this page's memory only. Nothing
 * goes to localStorage, sessionStorage or a cookie, where another script or tab could read it:
 * a reload or a new tab signs in again (each tab is its own session, so two tabs never rotate
 * one refresh token and trip auth's reuse detection, which would end both). The access token
 * is refreshed a minute before it expires, and before any request that finds it nearly expired
 * (a laptop that slept past the timer).
 */
class SessionStore {
  private tokens: { access: string; refresh: string; expiresAt: number } | null = null;
  private refreshing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private state: SessionState = { status: 'signed-out' };
  private readonly listeners = new Set<() => void>();
  /** Sign-in, refresh and sign-out carry no access token. */
  private readonly credentials = createSwitchyardClient({ baseUrl: origin() });
  /** Reads who signed in, with the new access token. */
  private readonly identity = createSwitchyardClient({
    baseUrl: origin(),
    getToken: () => this.tokens?.access,
  });

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = () => this.state;

  /** Signs in; throws the API's problem (wrong password, locked, rate limited) to show it. */
  async signIn(email: string, password: string): Promise<void> {
    this.keep(await this.credentials.signIn(email, password));
    let me;
    try {
      ({ data: me } = await this.identity.GET('/v1/auth/me'));
    } catch (error) {
      await this.revoke();
      throw error;
    }
    if (!me!.roles.includes('admin')) {
      // Not staff: end the session at once instead of holding tokens the console won't use.
      await this.revoke();
      this.set({ status: 'refused', email: me!.email });
      return;
    }
    this.set({ status: 'signed-in', user: { id: me!.id, email: me!.email, name: me!.name } });
  }

  /** The access token for the next request, refreshed first when it is about to expire. */
  readonly accessToken = async (): Promise<string | undefined> => {
    if (this.tokens && Date.now() > this.tokens.expiresAt - STALE_MARGIN_MS) await this.refresh();
    return this.tokens?.access;
  };

  async signOut(): Promise<void> {
    await this.revoke();
    this.set({ status: 'signed-out', notice: 'You have signed out.' });
  }

  /** The API refused the session (revoked, expired, account disabled): sign in again. */
  end(notice = 'Your session has ended. Sign in again to continue.'): void {
    if (this.state.status !== 'signed-in') return;
    this.drop();
    this.set({ status: 'signed-out', notice });
  }

  /** Back to the sign-in form from the refusal. */
  reset(): void {
    this.set({ status: 'signed-out' });
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.rotate().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async rotate(): Promise<void> {
    const current = this.tokens;
    if (!current) return;
    try {
      const { data } = await this.credentials.POST('/v1/auth/refresh', {
        body: { refreshToken: current.refresh },
      });
      // Signed out meanwhile: the new pair must not bring the session back.
      if (this.tokens === current) this.keep(data!);
    } catch (error) {
      // A refused refresh token ends the session; a network failure leaves it for a retry.
      if (error instanceof SwitchyardProblem && error.status === 401) this.end();
      else this.schedule(REFRESH_MARGIN_MS / 2);
    }
  }

  private keep(pair: TokenPair): void {
    const lifetimeMs = pair.expiresIn * 1000;
    this.tokens = {
      access: pair.accessToken,
      refresh: pair.refreshToken,
      expiresAt: Date.now() + lifetimeMs,
    };
    this.schedule(Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2));
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  private drop(): void {
    clearTimeout(this.timer);
    this.tokens = null;
  }

  /** Ends the refresh token's session at auth too; the page forgets it either way. */
  private async revoke(): Promise<void> {
    const refreshToken = this.tokens?.refresh;
    this.drop();
    if (!refreshToken) return;
    await this.credentials
      .POST('/v1/auth/logout', { body: { refreshToken } })
      .catch(() => undefined); // signed out here regardless; the token expires on its own
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

export const session = new SessionStore();
