using System.Globalization;
using LineConnector.Core.Channels;

namespace LineConnector.Core.Enquiries;

/// <summary>
/// Pending effects as an operator reads them in the <c>PendingEffects</c> property: one per line,
/// e.g. <c>send-auto-message welcome</c>, <c>forward-event desk aiko</c>,
/// <c>schedule-missed-check 2026-11-21T09:01:00.0000000+00:00</c>, <c>send-move-message 1 handover</c>, <c>tell-move desk 1</c>.
/// </summary>
public static class EffectText
{
    public static string Format(IReadOnlyList<EnquiryEffect> effects) => string.Join('\n', effects.Select(Format));

    public static string Format(EnquiryEffect effect) => effect switch
    {
        SendAutoMessage m => Words("send-auto-message", Kind(m.Kind), m.StaffMemberId),
        ForwardEvent f => Words("forward-event", f.DestinationId, f.StaffMemberId),
        ScheduleMissedCheck s => Words("schedule-missed-check", Time(s.At)),
        ScheduleAutoCloseCheck s => Words("schedule-auto-close-check", Time(s.At)),
        TellDestinationClosed t => Words("tell-destination-closed", t.DestinationId),
        SendMoveMessage m => Words("send-move-message", Number(m.Move), MoveMessages.Format(m.Message)),
        TellMove t => Words("tell-move", t.DestinationId, Number(t.Move)),
        _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, "Unknown effect."),
    };

    /// <exception cref="FormatException">A line is not an effect as <see cref="Format(EnquiryEffect)"/> writes it.</exception>
    public static IReadOnlyList<EnquiryEffect> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseLine).ToList();
    }

    private static EnquiryEffect ParseLine(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? Optional(int i) => words.Length > i ? words[i] : null;
        return (words[0], words.Length) switch
        {
            ("send-auto-message", 2 or 3) => new SendAutoMessage(ParseKind(words[1], line), Optional(2)),
            ("forward-event", 2 or 3) => new ForwardEvent(words[1], Optional(2)),
            ("schedule-missed-check", 2) => new ScheduleMissedCheck(ParseTime(words[1], line)),
            ("schedule-auto-close-check", 2) => new ScheduleAutoCloseCheck(ParseTime(words[1], line)),
            ("tell-destination-closed", 2) => new TellDestinationClosed(words[1]),
            ("send-move-message", 3) when MoveMessages.TryParse(words[2], out var message) => new SendMoveMessage(ParseNumber(words[1], line), message),
            ("tell-move", 3) => new TellMove(words[1], ParseNumber(words[2], line)),
            _ => throw new FormatException($"'{line}' is not a pending effect."),
        };
    }

    public static string Kind(AutoMessageKind kind) => ChannelTexts.AutoMessage.Format(kind);

    private static AutoMessageKind ParseKind(string text, string line) =>
        ChannelTexts.AutoMessage.TryParse(text, out var kind) && Kind(kind) == text
            ? kind
            : throw new FormatException($"'{line}' names no auto-message ({ChannelTexts.AutoMessage.Choices}).");

    private static readonly EnumText<MoveMessage> MoveMessages = EnumText.Kebab<MoveMessage>();

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static int ParseNumber(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{line}' has no move number.");

    private static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text, string line) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at
            : throw new FormatException($"'{line}' has no ISO 8601 time.");

    private static string Words(params string?[] words) => string.Join(' ', words.OfType<string>());
}
