export interface OperatorView {
  name: string;
  publicKey: string;
  jwt: string;
  systemAccount: { publicKey: string; jwt: string };
  accountServerUrl: string | null;
}
