/** An event in EventBridge's CloudEvents envelope (EventBridge "Event overview": https://www.alibabacloud.com/help/en/eventbridge/latest/event-overview). */
export interface CloudEvent {
  id: string;
  source: string;
  specversion: '1.0';
  type: string;
  subject?: string;
  time: string;
  datacontenttype?: string;
  data: unknown;
  aliyunaccountid?: string;
  aliyunregionid?: string;
  aliyuneventbusname?: string;
  aliyunpublishtime?: string;
  aliyunpublishaddr?: string;
  [extension: string]: unknown;
}

export type CloudEventListener = (event: CloudEvent) => void;

/** Where cloud services publish their events; the event bus (and tests) subscribe here. */
export class EventSink {
  private readonly listeners = new Set<CloudEventListener>();

  subscribe(listener: CloudEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: CloudEvent): void {
    for (const l of this.listeners) l(event);
  }
}
