using LineConnector.Core.Channels;

namespace LineConnector.Core.Outbound;

/// <summary>The words outbound records and delivery reports use for outbound enums.</summary>
public static class OutboundTexts
{
    public static readonly EnumText<DeliveryMethod> Method = new((DeliveryMethod.Reply, "reply"), (DeliveryMethod.Push, "push"));

    public static readonly EnumText<OutboundStatus> Status = new(
        (OutboundStatus.Delivered, "delivered"), (OutboundStatus.Failed, "failed"), (OutboundStatus.Uncertain, "uncertain"));

    public static readonly EnumText<OutboundFailureKind> FailureKind = new(
        (OutboundFailureKind.Malformed, "malformed"),
        (OutboundFailureKind.Refused, "refused"),
        (OutboundFailureKind.RejectedByLine, "rejected-by-line"),
        (OutboundFailureKind.MonthlyLimit, "monthly-limit"),
        (OutboundFailureKind.NoChannel, "no-channel"),
        (OutboundFailureKind.GaveUp, "gave-up"),
        (OutboundFailureKind.Uncertain, "uncertain"));
}

internal sealed class DeliveryMethodJson() : EnumTextJsonConverter<DeliveryMethod>(OutboundTexts.Method);

internal sealed class OutboundStatusJson() : EnumTextJsonConverter<OutboundStatus>(OutboundTexts.Status);

internal sealed class OutboundFailureKindJson() : EnumTextJsonConverter<OutboundFailureKind>(OutboundTexts.FailureKind);
