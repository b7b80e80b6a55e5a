using System.Globalization;
using System.Net;
using LineConnector.Core.Line;

namespace LineConnector.Core.Channels;

/// <summary>
/// The rules of a channel's settings, in one place. A channel is judged when it is written (the
/// admin API and the command line) and when it is read from the store (<see cref="ChannelEntities"/>,
/// which is also how local mode's configuration is loaded), never per message: routing and enquiry
/// handling take a channel that passed. Every failure is reported, each naming its field and the
/// limit it breaks, e.g. <c>name: at most 40 characters (got 41)</c>. Lengths are counted in UTF-16
/// code units, as LINE counts them.
/// </summary>
public static class ChannelValidation
{
    public const int MinMissedEnquiryTimeoutSeconds = 1;
    public const int MaxMissedEnquiryTimeoutSeconds = 24 * 60 * 60;
    public const int MinStickyPeriodMinutes = 1;
    public const int MaxStickyPeriodMinutes = 365 * 24 * 60;

    /// <summary>Service Bus queue names: 1 to 260 letters, digits, '.', '-', '_' and '/', starting and ending with a letter or digit.</summary>
    public const int MaxQueueNameLength = 260;

    public static IReadOnlyList<FieldError> ValidateId(string? id, string field = "id")
    {
        List<FieldError> errors = [];
        CheckId(errors, field, id);
        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(ChannelSettings settings, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(settings);
        List<FieldError> errors = [];
        string F(string field) => prefix + field;

        CheckText(errors, F("name"), settings.Name, 1, ChannelSettings.MaxNameLength);
        if (settings.Name is { Length: > 0 } name && string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new(F("name"), "must not be blank"));
        }

        CheckText(errors, F("customInfo"), settings.CustomInfo, 0, ChannelSettings.MaxCustomInfoLength);
        CheckTimeZone(errors, F("timeZone"), settings.TimeZone);
        CheckRange(errors, F("missedEnquiryTimeoutSeconds"), settings.MissedEnquiryTimeoutSeconds, MinMissedEnquiryTimeoutSeconds, MaxMissedEnquiryTimeoutSeconds);
        CheckRange(errors, F("stickyPeriodMinutes"), settings.StickyPeriodMinutes, MinStickyPeriodMinutes, MaxStickyPeriodMinutes);
        if (!Enum.IsDefined(settings.StaffNameFormat))
        {
            errors.Add(new(F("staffNameFormat"), $"must be {ChannelTexts.StaffNameFormat.Choices}"));
        }

        if (settings.AutoMessages is null)
        {
            errors.Add(new(F("autoMessages"), "required"));
        }
        else
        {
            CheckAutoMessage(errors, F("autoMessages.welcome"), settings.AutoMessages.Welcome);
            CheckAutoMessage(errors, F("autoMessages.away"), settings.AutoMessages.Away);
            CheckAutoMessage(errors, F("autoMessages.close"), settings.AutoMessages.Close);
        }

        if (settings.LineExtras is null)
        {
            errors.Add(new(F("lineExtras"), "required"));
        }
        else
        {
            errors.AddRange(settings.LineExtras.Problems(F("lineExtras")));
        }

        errors.AddRange(TransformerSettings.Validate(settings.Transformers, F("transformers")));
        errors.AddRange(DataProtectionSettings.Validate(settings.DataProtection, F("dataProtection")));
        errors.AddRange(TranslationSettings.Validate(settings.Translation, F("translation")));

        var destinationIds = new HashSet<string>(StringComparer.Ordinal);
        if (settings.Destinations is null)
        {
            errors.Add(new(F("destinations"), "required (an empty list when there are none)"));
        }
        else
        {
            for (var i = 0; i < settings.Destinations.Count; i++)
            {
                var destination = settings.Destinations[i];
                CheckDestination(errors, F($"destinations[{i}]"), destination);
                if (destination?.Id is { } id && !destinationIds.Add(id))
                {
                    errors.Add(new(F($"destinations[{i}].id"), $"'{id}' is used by another destination of this channel"));
                }
            }
        }

        if (settings.Routing is null)
        {
            errors.Add(new(F("routing"), "required"));
        }
        else
        {
            CheckRouting(errors, F("routing"), settings.Routing, destinationIds, allowSticky: true);
        }

        HandoverValidation.Check(errors, F("handover"), settings.Handover, settings.Destinations ?? []);
        SessionExpiryValidation.Check(errors, F("sessionExpiry"), settings.SessionExpiry);
        return errors;
    }

    internal static void CheckRouting(List<FieldError> errors, string field, RoutingRule rule, HashSet<string> destinations, bool allowSticky)
    {
        if (!Enum.IsDefined(rule.Kind) || (!allowSticky && rule.Kind == RoutingKind.Sticky))
        {
            var choices = allowSticky ? ChannelTexts.RoutingKind.Choices : "alternative, percentage or time";
            errors.Add(new($"{field}.kind", $"must be {choices}"));
            return;
        }

        var targets = rule.Targets ?? [];
        var windows = rule.TimeWindows ?? [];
        var otherTimes = rule.OtherTimes ?? [];
        if (rule.Kind is RoutingKind.Alternative or RoutingKind.Percentage)
        {
            CheckTargets(errors, $"{field}.targets", rule.Kind, targets, destinations);
        }
        else if (targets.Count > 0)
        {
            errors.Add(new($"{field}.targets", $"only for the alternative and percentage rules, not {ChannelTexts.RoutingKind.Format(rule.Kind)}"));
        }

        if (rule.Kind == RoutingKind.Time)
        {
            if (windows.Count == 0)
            {
                errors.Add(new($"{field}.timeWindows", "at least 1 time window"));
            }

            for (var i = 0; i < windows.Count; i++)
            {
                CheckTimeWindow(errors, $"{field}.timeWindows[{i}]", windows[i], destinations);
            }

            CheckCondition(errors, $"{field}.otherTimes", otherTimes, i => $"{field}.otherTimes[{i}]", destinations);
        }
        else
        {
            if (windows.Count > 0)
            {
                errors.Add(new($"{field}.timeWindows", "only for the time rule"));
            }

            if (otherTimes.Count > 0)
            {
                errors.Add(new($"{field}.otherTimes", "only for the time rule"));
            }
        }

        if (rule.Kind == RoutingKind.Sticky)
        {
            if (rule.Fallback is null)
            {
                errors.Add(new($"{field}.fallback", "required for the sticky rule: alternative, percentage or time"));
            }
            else
            {
                CheckRouting(errors, $"{field}.fallback", rule.Fallback, destinations, allowSticky: false);
            }
        }
        else if (rule.Fallback is not null)
        {
            errors.Add(new($"{field}.fallback", "only for the sticky rule"));
        }
    }

    private static void CheckTargets(List<FieldError> errors, string field, RoutingKind kind, IReadOnlyList<RoutingTarget> targets, HashSet<string> destinations)
    {
        var present = targets.Where(t => t is not null).ToList();
        CheckCondition(errors, field, targets.Select(t => t?.Destination).ToList(), i => $"{field}[{i}].destination", destinations);
        var sum = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i] is not { } target)
            {
                continue;
            }

            if (kind == RoutingKind.Percentage)
            {
                if (target.Weight is not { } weight)
                {
                    errors.Add(new($"{field}[{i}].weight", "required: 1 to 100"));
                }
                else
                {
                    CheckRange(errors, $"{field}[{i}].weight", weight, 1, 100);
                    sum += weight;
                }
            }
            else if (target.Weight is not null)
            {
                errors.Add(new($"{field}[{i}].weight", "only for the percentage rule"));
            }
        }

        if (kind == RoutingKind.Percentage && present.Count > 0 && present.All(t => t.Weight is not null) && sum != 100)
        {
            errors.Add(new(field, $"weights must sum to 100 (got {sum})"));
        }
    }

    /// <summary>
    /// One condition's destinations (DESIGN §5: up to 5 per condition): 1 to 5 of the channel's
    /// destination ids, each once. <paramref name="item"/> names the field of the i-th id.
    /// </summary>
    private static void CheckCondition(List<FieldError> errors, string field, IReadOnlyList<string?> ids, Func<int, string> item, HashSet<string> destinations)
    {
        if (ids.Count is 0 or > RoutingRule.MaxDestinationsPerCondition)
        {
            errors.Add(new(field, $"1 to {RoutingRule.MaxDestinationsPerCondition} destinations (got {ids.Count})"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            CheckReference(errors, item(i), ids[i], destinations);
            if (ids[i] is { } id && !seen.Add(id))
            {
                errors.Add(new(item(i), $"'{id}' is listed twice"));
            }
        }
    }

    private static void CheckTimeWindow(List<FieldError> errors, string field, TimeWindow window, HashSet<string> destinations)
    {
        if (window is null)
        {
            errors.Add(new(field, "required"));
            return;
        }

        var days = window.Days ?? [];
        if (days.Count == 0)
        {
            errors.Add(new($"{field}.days", $"at least 1 day: {ChannelTexts.Day.Choices}"));
        }

        if (days.Any(d => !Enum.IsDefined(d)))
        {
            errors.Add(new($"{field}.days", $"each day must be {ChannelTexts.Day.Choices}"));
        }

        if (days.Distinct().Count() != days.Count)
        {
            errors.Add(new($"{field}.days", "a day is listed twice"));
        }

        CheckWholeMinute(errors, $"{field}.from", window.From);
        CheckWholeMinute(errors, $"{field}.to", window.To);
        var ids = window.Destinations ?? [];
        CheckCondition(errors, $"{field}.destinations", ids, i => $"{field}.destinations[{i}]", destinations);
    }

    private static void CheckWholeMinute(List<FieldError> errors, string field, TimeOnly time)
    {
        if (time.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add(new(field, "a time of day in whole minutes (HH:MM)"));
        }
    }

    private static void CheckDestination(List<FieldError> errors, string field, Destination destination)
    {
        if (destination is null)
        {
            errors.Add(new(field, "required"));
            return;
        }

        CheckId(errors, $"{field}.id", destination.Id);
        if (!Enum.IsDefined(destination.Kind))
        {
            errors.Add(new($"{field}.kind", $"must be {ChannelTexts.DestinationKind.Choices}"));
        }

        switch (destination.Transport)
        {
            case DestinationTransport.HttpsWebhook:
                CheckWebhookUrl(errors, $"{field}.webhookUrl", destination.WebhookUrl);
                if (destination.QueueName is not null)
                {
                    errors.Add(new($"{field}.queueName", "only for the service-bus-queue transport"));
                }

                break;
            case DestinationTransport.ServiceBusQueue:
                CheckQueueName(errors, $"{field}.queueName", destination.QueueName);
                if (destination.WebhookUrl is not null)
                {
                    errors.Add(new($"{field}.webhookUrl", "only for the https-webhook transport"));
                }

                break;
            default:
                errors.Add(new($"{field}.transport", $"must be {ChannelTexts.Transport.Choices}"));
                break;
        }

        if (destination.Schedule is { } schedule)
        {
            if (schedule.Days is null || schedule.Days.Count == 0)
            {
                errors.Add(new($"{field}.schedule", "at least 1 day with opening hours; leave the schedule out for a destination open at all times"));
                return;
            }

            foreach (var (day, ranges) in schedule.Days)
            {
                var dayField = Enum.IsDefined(day) ? $"{field}.schedule.{ChannelTexts.Day.Format(day)}" : $"{field}.schedule";
                if (!Enum.IsDefined(day))
                {
                    errors.Add(new(dayField, $"each day must be {ChannelTexts.Day.Choices}"));
                }
                else if (ranges is null || ranges.Count == 0)
                {
                    errors.Add(new(dayField, "at least 1 range of hours (HH:MM-HH:MM); leave a closed day out"));
                }
            }
        }
    }

    private static void CheckWebhookUrl(List<FieldError> errors, string field, Uri? url)
    {
        if (url is null)
        {
            errors.Add(new(field, "required for the https-webhook transport"));
            return;
        }

        if (!url.IsAbsoluteUri)
        {
            errors.Add(new(field, "must be an absolute https:// URL"));
            return;
        }

        var text = url.OriginalString;
        if (text.Length > Destination.MaxUrlLength)
        {
            errors.Add(new(field, $"at most {Destination.MaxUrlLength.ToString("N0", CultureInfo.InvariantCulture)} characters (got {text.Length.ToString("N0", CultureInfo.InvariantCulture)})"));
        }

        var loopbackHttp = url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        if (url.Scheme != Uri.UriSchemeHttps && !loopbackHttp)
        {
            errors.Add(new(field, $"must be https:// (http:// only on loopback, for testing), got {url.Scheme}://"));
        }
    }

    private static void CheckQueueName(List<FieldError> errors, string field, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new(field, "required for the service-bus-queue transport"));
            return;
        }

        var valid = name.Length <= MaxQueueNameLength
            && char.IsAsciiLetterOrDigit(name[0])
            && char.IsAsciiLetterOrDigit(name[^1])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/');
        if (!valid)
        {
            errors.Add(new(field, $"a Service Bus queue name: 1 to {MaxQueueNameLength} letters, digits, '.', '-', '_' or '/', starting and ending with a letter or digit (got '{name}')"));
        }
    }

    internal static void CheckAutoMessage(List<FieldError> errors, string field, AutoMessage message)
    {
        if (message is null)
        {
            errors.Add(new(field, "required"));
            return;
        }

        if (message.Text is { Length: 0 })
        {
            errors.Add(new($"{field}.text", "must not be empty; leave it out for the default text"));
        }
        else if (message.Text is { } text && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new($"{field}.text", "must not be blank; leave it out for the default text"));
        }

        CheckText(errors, $"{field}.text", message.Text ?? "", 0, MessageLimits.MaxTextLength);
        foreach (var placeholder in AutoMessage.UnknownPlaceholders(message.Text ?? ""))
        {
            errors.Add(new($"{field}.text", $"unknown placeholder {placeholder}; only {AutoMessage.StaffPlaceholder} is replaced"));
        }
    }

    private static void CheckId(List<FieldError> errors, string field, string? id)
    {
        if (!ChannelId.IsValid(id))
        {
            var got = id is null ? "none" : id.Length > ChannelId.MaxLength ? $"{id.Length} characters" : $"'{id}'";
            errors.Add(new(field, $"1 to {ChannelId.MaxLength} characters of ASCII letters, digits, '-' and '_' (got {got})"));
        }
    }

    private static void CheckReference(List<FieldError> errors, string field, string? destination, HashSet<string> destinations)
    {
        if (string.IsNullOrEmpty(destination))
        {
            errors.Add(new(field, "required: the id of one of the channel's destinations"));
        }
        else if (!destinations.Contains(destination))
        {
            errors.Add(new(field, $"'{destination}' is not one of the channel's destinations"));
        }
    }

    private static void CheckTimeZone(List<FieldError> errors, string field, string? timeZone)
    {
        if (string.IsNullOrEmpty(timeZone))
        {
            errors.Add(new(field, "required: an IANA time zone id such as Asia/Tokyo"));
        }
        else if (!ChannelTimeZone.TryFind(timeZone, out _, out _))
        {
            errors.Add(new(field, $"'{timeZone}' is not an IANA time zone id (such as Asia/Tokyo)"));
        }
    }

    private static void CheckText(List<FieldError> errors, string field, string? text, int min, int max)
    {
        if (text is null)
        {
            errors.Add(new(field, min > 0 ? $"required: {min} to {N(max)} characters" : "must not be null"));
        }
        else if (text.Length < min)
        {
            errors.Add(new(field, $"required: {min} to {N(max)} characters"));
        }
        else if (text.Length > max)
        {
            errors.Add(new(field, $"at most {N(max)} characters (got {N(text.Length)})"));
        }
    }

    internal static void CheckRange(List<FieldError> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(new(field, $"{N(min)} to {N(max)} (got {N(value)})"));
        }
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
