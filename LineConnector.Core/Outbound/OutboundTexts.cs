namespace LineConnector.Core.Outbound;

/// <summary>The texts of the outbound model's enums, as outbound records store them, destinations read them in <c>delivery</c> messages and telemetry shows them.</summary>
public static class OutboundTexts
{
    public static readonly EnumText<DeliveryMethod> Method = EnumText.Kebab<DeliveryMethod>();

    public static readonly EnumText<OutboundStatus> Status = EnumText.Kebab<OutboundStatus>();

    public static readonly EnumText<OutboundFailureKind> FailureKind = EnumText.Kebab<OutboundFailureKind>();
}

internal sealed class DeliveryMethodJson() : EnumTextJsonConverter<DeliveryMethod>(OutboundTexts.Method);

internal sealed class OutboundStatusJson() : EnumTextJsonConverter<OutboundStatus>(OutboundTexts.Status);

internal sealed class OutboundFailureKindJson() : EnumTextJsonConverter<OutboundFailureKind>(OutboundTexts.FailureKind);
