using System.Text.Json;
using System.Text.Json.Serialization;

namespace LineConnector.Core.Enquiries;

/// <summary>How an enquiry moved between a bot and staff (DESIGN §5, Conversation control).</summary>
[JsonConverter(typeof(MoveKindJson))]
public enum MoveKind
{
    /// <summary>A bot handed the enquiry to staff.</summary>
    Handover,

    /// <summary>Staff passed it to another destination.</summary>
    Transfer,

    /// <summary>Staff handed it back to a bot.</summary>
    Handback,
}

/// <summary>
/// One move of an enquiry, recorded on it: who asked, when and why, from where to where.
/// </summary>
/// <param name="Number">1 for the enquiry's first move, one more for each after it; ids of what the move sends are made from it.</param>
/// <param name="From">The destination the enquiry was with.</param>
/// <param name="To">The destination it went to; null while it waits, missed, for staff to take it.</param>
/// <param name="By">The destination that asked for the move, or <see cref="Operator"/> for the admin API.</param>
/// <param name="StaffMemberId">The staff member who made the move, when the caller names one.</param>
public sealed record EnquiryMove(
    int Number, MoveKind Kind, DateTimeOffset At, string? From, string? To, string By, string? StaffMemberId = null, string? Reason = null, string? Note = null)
{
    /// <summary><see cref="By"/> for a move made through the admin API.</summary>
    public const string Operator = "operator";

    /// <summary>How many moves an enquiry keeps (the latest); each is at most about 1.5 KB.</summary>
    public const int MaxKept = 20;

    public const int MaxReasonLength = 200;
    public const int MaxNoteLength = 1_000;

    public static string Format(IReadOnlyList<EnquiryMove> moves) => JsonSerializer.Serialize(moves, EnquiryMoveJsonContext.Default.IReadOnlyListEnquiryMove);

    /// <exception cref="JsonException">The text is not a list of moves.</exception>
    public static IReadOnlyList<EnquiryMove> Parse(string text) =>
        JsonSerializer.Deserialize(text, EnquiryMoveJsonContext.Default.IReadOnlyListEnquiryMove) ?? [];
}

public static class MoveTexts
{
    public static readonly EnumText<MoveKind> Kind = EnumText.Kebab<MoveKind>();
}

internal sealed class MoveKindJson() : EnumTextJsonConverter<MoveKind>(MoveTexts.Kind);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<EnquiryMove>))]
internal sealed partial class EnquiryMoveJsonContext : JsonSerializerContext;

/// <summary>Who asks for a move and why, as recorded with it.</summary>
/// <param name="By">The destination that asks, or <see cref="EnquiryMove.Operator"/>.</param>
public sealed record MoveRequest(string By, string? StaffMemberId = null, string? Reason = null, string? Note = null);
