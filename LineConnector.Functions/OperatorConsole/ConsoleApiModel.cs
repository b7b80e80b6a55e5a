using System.Text.Json;
using System.Text.Json.Serialization;
using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;

namespace LineConnector.Functions.OperatorConsole;

/// <summary>
/// The limits the console checks as the operator types, read from their one home in Core
/// (<see cref="ChannelSettings"/>, <see cref="Core.Line.MessageLimits"/>, <see cref="RoutingRule"/>): the server
/// judges again on save.
/// </summary>
public sealed record LimitsResource(
    int NameLength, int CustomInfoLength, int TextLength, int SenderNameLength, int DestinationsPerCondition,
    string StaffPlaceholder, IReadOnlyDictionary<string, string> DefaultTexts)
{
    public static LimitsResource Current { get; } = new(
        ChannelSettings.MaxNameLength,
        ChannelSettings.MaxCustomInfoLength,
        Core.Line.MessageLimits.MaxTextLength,
        Core.Line.MessageLimits.MaxSenderNameLength,
        RoutingRule.MaxDestinationsPerCondition,
        AutoMessage.StaffPlaceholder,
        Enum.GetValues<AutoMessageKind>().ToDictionary(k => ChannelTexts.AutoMessage.Format(k), AutoMessages.DefaultText));
}

/// <summary>What the wizard's check step shows: the LINE account the credentials belong to.</summary>
public sealed record BotInfoResource(string UserId, string BasicId, string DisplayName, string? PictureUrl, string ChatMode)
{
    public static BotInfoResource Of(BotInfo bot)
    {
        ArgumentNullException.ThrowIfNull(bot);
        return new(bot.UserId, bot.BasicId, bot.DisplayName, bot.PictureUrl, bot.ChatMode);
    }
}

/// <summary>Body of <c>POST /api/manage/message-preview</c>: the texts as edited, the format, and a sample staff member.</summary>
/// <param name="StaffNameFormat">none, first-name or first-and-last-name, as in the channel's settings.</param>
public sealed record MessagePreviewRequest(AutoMessages? AutoMessages, string? StaffNameFormat, StaffName? Staff);

/// <summary>The auto-messages as LINE users would read them, and the <c>sender.name</c> staff replies go out with.</summary>
public sealed record MessagePreviewResource(IReadOnlyDictionary<string, string> Texts, string? SenderName, string? SenderNote);

/// <summary>Where many new enquiries would go now (<c>GET /api/manage/channels/{id}/route/simulation</c>).</summary>
/// <param name="Unrouted">Enquiries no destination would take (all unavailable): they would be missed.</param>
public sealed record SimulationResource(string ChannelId, DateTimeOffset At, int Enquiries, IReadOnlyList<SimulatedShare> Shares, int Unrouted)
{
    public const int DefaultEnquiries = 1_000;
    public const int MaxEnquiries = 10_000;
}

public sealed record SimulatedShare(string DestinationId, int Enquiries, double Percent);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LimitsResource))]
[JsonSerializable(typeof(BotInfoResource))]
[JsonSerializable(typeof(MessagePreviewRequest))]
[JsonSerializable(typeof(MessagePreviewResource))]
[JsonSerializable(typeof(SimulationResource))]
public sealed partial class ConsoleApiJsonContext : JsonSerializerContext;
