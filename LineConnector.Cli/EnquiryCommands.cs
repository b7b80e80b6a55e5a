using System.CommandLine;
using System.Text.Json;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Translation;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector enquiries handover|transfer|handback|close ENQUIRY [--to D] [--reason R] [--note N] [--staff S]</c>:
/// moves or closes an enquiry through the admin API (<c>POST /api/manage/enquiries/{id}/...</c>), recorded as made by
/// <c>operator</c>; <c>line-connector enquiries language ENQUIRY LANGUAGE</c> sets the user's language for real-time
/// translation (<c>PUT /api/manage/enquiries/{id}/language</c>). URL and function key as for <c>channels</c>.
/// </summary>
public static class EnquiryCommands
{
    /// <param name="handler">The HTTP handler to reach the API with (tests pass the app's own); null: the network.</param>
    public static Command Create(Func<HttpMessageHandler>? handler = null)
    {
        var context = new ManageApiContext("a summary", handler);
        return new Command("enquiries", "Hand enquiries between bots and staff, or close them.")
        {
            context.Url,
            context.Key,
            context.Json,
            Move(context, MoveKind.Handover, "Hand an enquiry that is with a bot to staff (--to, or the channel's handover rule).", "A staff destination (default: the handover rule's choice)."),
            Move(context, MoveKind.Transfer, "Pass an enquiry that is with staff to another staff destination.", "A staff destination (default: the handover rule's choice, without the current one)."),
            Move(context, MoveKind.Handback, "Hand an enquiry that is with staff back to a bot.", "A bot (default: the bot that handed it over)."),
            Close(context),
            Language(context),
        };
    }

    private static Command Move(ManageApiContext context, MoveKind kind, string description, string toDescription)
    {
        var name = MoveTexts.Kind.Format(kind);
        var id = new Argument<string>("enquiry") { Description = "The enquiry id." };
        var to = new Option<string?>("--to") { Description = toDescription };
        var reason = new Option<string?>("--reason") { Description = $"Why, recorded with the move (at most {EnquiryMove.MaxReasonLength} characters)." };
        var note = new Option<string?>("--note") { Description = $"A note for whoever gets the enquiry (at most {EnquiryMove.MaxNoteLength:N0} characters)." };
        var staff = new Option<string?>("--staff") { Description = "The staff member who makes the move." };
        var command = new Command(name, description) { id, to, reason, note, staff };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var body = JsonSerializer.Serialize(
                new EnquiryMoveRequest(parse.GetValue(to), parse.GetValue(reason), parse.GetValue(note), parse.GetValue(staff)),
                EnquiryApiJsonContext.Default.EnquiryMoveRequest);
            return await context.RunAsync(parse, HttpMethod.Post, $"api/manage/enquiries/{Uri.EscapeDataString(parse.GetValue(id)!)}/{name}", body, null, Print, cancellationToken);
        });
        return command;
    }

    private static Command Close(ManageApiContext context)
    {
        var id = new Argument<string>("enquiry") { Description = "The enquiry id." };
        var staff = new Option<string?>("--staff") { Description = "Close as this staff member (default: as the destination)." };
        var command = new Command("close", "Close an enquiry and send the channel's close message.") { id, staff };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var body = JsonSerializer.Serialize(new CloseRequest(parse.GetValue(staff)), EnquiryApiJsonContext.Default.CloseRequest);
            return await context.RunAsync(parse, HttpMethod.Post, $"api/manage/enquiries/{Uri.EscapeDataString(parse.GetValue(id)!)}/close", body, null, (output, answer) =>
            {
                var enquiry = JsonSerializer.Deserialize(answer, EnquiryApiJsonContext.Default.EnquiryResource)!;
                output.WriteLine($"enquiry {enquiry.Id} is {enquiry.State}");
            }, cancellationToken);
        });
        return command;
    }

    private static Command Language(ManageApiContext context)
    {
        var id = new Argument<string>("enquiry") { Description = "The enquiry id." };
        var language = new Argument<string>("language") { Description = "A language code (en, ja, zh-Hans, ...) staff replies are translated into, or auto for the channel's setting (detected, or its fixed language)." };
        var command = new Command("language", "Set the user's language of an enquiry for real-time translation.") { id, language };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var body = JsonSerializer.Serialize(new EnquiryLanguageRequest(parse.GetValue(language)), TranslationApiJsonContext.Default.EnquiryLanguageRequest);
            return await context.RunAsync(parse, HttpMethod.Put, $"api/manage/enquiries/{Uri.EscapeDataString(parse.GetValue(id)!)}/language", body, null, (output, answer) =>
            {
                var languages = JsonSerializer.Deserialize(answer, TranslationApiJsonContext.Default.EnquiryLanguageResource)!;
                output.WriteLine($"enquiry {languages.EnquiryId}: replies are translated into {languages.UserLanguage ?? "(not known yet)"}{(languages.Chosen is null ? " (the channel's setting)" : " (set for the enquiry)")}");
                output.WriteLine($"detected: {(languages.Detected.Count == 0 ? "nothing yet" : string.Join(", ", languages.Detected))}; staff language: {languages.StaffLanguage ?? "not set"}{(languages.TranslationEnabled ? "" : "; translation is off for the channel")}");
            }, cancellationToken);
        });
        return command;
    }

    private static void Print(TextWriter output, string body)
    {
        var result = JsonSerializer.Deserialize(body, EnquiryApiJsonContext.Default.MoveResult)!;
        output.WriteLine($"{result.Outcome}: enquiry {result.Enquiry.Id} is {result.Enquiry.State}, with {result.Enquiry.DestinationId ?? "no destination"}");
        output.WriteLine();
        output.WriteLine("why:");
        foreach (var line in result.Explanation)
        {
            output.WriteLine($"  {line}");
        }
    }
}
