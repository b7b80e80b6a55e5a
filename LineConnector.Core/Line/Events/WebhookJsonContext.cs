using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Line.Events;

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = false)]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(MessageEditedEvent))]
[JsonSerializable(typeof(UnsendEvent))]
[JsonSerializable(typeof(FollowEvent))]
[JsonSerializable(typeof(UnfollowEvent))]
[JsonSerializable(typeof(JoinEvent))]
[JsonSerializable(typeof(LeaveEvent))]
[JsonSerializable(typeof(MemberJoinedEvent))]
[JsonSerializable(typeof(MemberLeftEvent))]
[JsonSerializable(typeof(PostbackEvent))]
[JsonSerializable(typeof(VideoPlayCompleteEvent))]
[JsonSerializable(typeof(BeaconEvent))]
[JsonSerializable(typeof(AccountLinkEvent))]
[JsonSerializable(typeof(MembershipEvent))]
[JsonSerializable(typeof(ModuleEvent))]
[JsonSerializable(typeof(ActivatedEvent))]
[JsonSerializable(typeof(DeactivatedEvent))]
[JsonSerializable(typeof(BotSuspendedEvent))]
[JsonSerializable(typeof(BotResumedEvent))]
[JsonSerializable(typeof(DeliveryEvent))]
[JsonSerializable(typeof(TextMessageContent))]
[JsonSerializable(typeof(ImageMessageContent))]
[JsonSerializable(typeof(VideoMessageContent))]
[JsonSerializable(typeof(AudioMessageContent))]
[JsonSerializable(typeof(FileMessageContent))]
[JsonSerializable(typeof(LocationMessageContent))]
[JsonSerializable(typeof(StickerMessageContent))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
