// @alicloud/mns ships no type declarations; this covers the methods automirror and its tests use.
declare module '@alicloud/mns' {
  interface MnsResponse {
    code: number;
    headers: Record<string, string>;
    body?: unknown;
  }
  interface MnsOptions {
    accessKeyId?: string;
    accessKeyID?: string;
    accessKeySecret: string;
    securityToken?: string;
    region?: string;
    endpoint?: string;
    secure?: boolean;
    internal?: boolean;
    vpc?: boolean;
    readTimeout?: number;
    connectTimeout?: number;
  }
  class MNS {
    constructor(accountId: string, opts: MnsOptions);
    createQueue(name: string, params?: Record<string, unknown>): Promise<MnsResponse>;
    deleteQueue(name: string): Promise<MnsResponse>;
    listQueue(start?: string, limit?: number, prefix?: string): Promise<MnsResponse>;
    getQueueAttributes(name: string): Promise<MnsResponse>;
    setQueueAttributes(name: string, params?: Record<string, unknown>): Promise<MnsResponse>;
    sendMessage(queue: string, params: Record<string, unknown>): Promise<MnsResponse>;
    batchSendMessage(queue: string, params: Array<Record<string, unknown>>): Promise<MnsResponse>;
    receiveMessage(queue: string, waitSeconds?: number): Promise<MnsResponse>;
    batchReceiveMessage(queue: string, numOfMessages: number, waitSeconds?: number): Promise<MnsResponse>;
    peekMessage(queue: string): Promise<MnsResponse>;
    batchPeekMessage(queue: string, numOfMessages: number): Promise<MnsResponse>;
    deleteMessage(queue: string, receiptHandle: string): Promise<MnsResponse>;
    batchDeleteMessage(queue: string, receiptHandles: string[]): Promise<MnsResponse>;
    changeMessageVisibility(queue: string, receiptHandle: string, visibilityTimeout: number): Promise<MnsResponse>;
    createTopic(name: string, params?: Record<string, unknown>): Promise<MnsResponse>;
    getTopicAttributes(name: string): Promise<MnsResponse>;
    publishMessage(topic: string, params: Record<string, unknown>): Promise<MnsResponse>;
    /** The signed request every method makes; `opts.headers` are set before signing. */
    request(method: string, resource: string, type: string, body: string, attentions?: string[], opts?: { headers?: Record<string, string> }): Promise<MnsResponse>;
  }
  export = MNS;
}
