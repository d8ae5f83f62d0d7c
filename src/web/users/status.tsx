import { Badge } from '../components/ui.tsx';
import type { UserView } from '../lib/types.ts';

/** The state of an account at a glance: in use / stopped, locked, waiting for a password change. */
export function UserStatus({ user }: { user: UserView }) {
  return (
    <span className="badges">
      {user.active ? <Badge tone="success">利用中</Badge> : <Badge tone="neutral">利用停止</Badge>}
      {user.locked && <Badge tone="error">ロック中</Badge>}
      {user.mustChangePassword && <Badge tone="warning">パスワード変更待ち</Badge>}
    </span>
  );
}
