// @alicloud/fc2 ships no type declarations; this covers what automirror uses.
declare module '@alicloud/fc2/lib/client.js' {
  interface Fc2Config {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    endpoint?: string;
    secure?: boolean;
    internal?: boolean;
    timeout?: number;
  }
  class FC {
    constructor(accountId: string, config: Fc2Config);
    invokeFunction(
      serviceName: string,
      functionName: string,
      event: string | Buffer,
      headers?: Record<string, string>,
      qualifier?: string,
    ): Promise<{ headers: Record<string, string>; data: unknown }>;
    getService(serviceName: string, headers?: Record<string, string>, qualifier?: string): Promise<{ headers: Record<string, string>; data: unknown }>;
  }
  export = FC;
}
