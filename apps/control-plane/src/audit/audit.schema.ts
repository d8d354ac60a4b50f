export interface AuditView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  tenantId: string | null;
  details: unknown;
}
