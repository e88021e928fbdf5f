import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ok, type Schemas, storedToken, storeToken, whenUnauthorized } from '../api/client';
import type { paths } from '../api/schema';

/** Who is signed in (GET /me): name, role, and the actions the role may take (the page shows only those). */
export type Me = paths['/me']['get']['responses'][200]['content']['application/json'];
export type { Schemas };

type Session = {
  /** undefined while the stored token is checked; null when nobody is signed in. */
  me: Me | null | undefined;
  signIn(token: string): Promise<void>;
  signOut(): void;
  /** The role may take this action (`agrement.suspend`, `visits.read`…): src/access/domain/permissions.ts. */
  can(action: string): boolean;
};

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(storedToken() ? undefined : null);

  const signOut = useCallback(() => {
    storeToken(null);
    setMe(null);
  }, []);

  const signIn = useCallback(async (token: string) => {
    storeToken(token);
    try {
      setMe(ok(await api.GET('/me')));
    } catch (error) {
      storeToken(null);
      setMe(null);
      throw error;
    }
  }, []);

  useEffect(() => {
    whenUnauthorized(signOut);
    const token = storedToken();
    if (token) signIn(token).catch(() => undefined);
  }, [signIn, signOut]);

  const value = useMemo<Session>(
    () => ({ me, signIn, signOut, can: (action) => me?.actions.includes(action) ?? false }),
    [me, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
