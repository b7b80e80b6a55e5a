using System.Globalization;
using LineConnector.Core.Storage;
using P = LineConnector.Core.Channels.ChannelProperties;

namespace LineConnector.Core.Channels;

/// <summary>
/// Turns a channel into flat Table rows and back. Reading accepts what an operator may type in
/// the portal (a number or a boolean as a String property too); anything it cannot read exactly
/// is reported with its table, row and property, never replaced by a default. Only properties
/// left out take their documented default.
/// </summary>
internal static partial class ChannelEntities
{
    private static readonly string[] RuleRowPrefixes = ["alternative-", "percentage-", "time-"];

    public static TableRow ChannelRow(Channel channel, string? etag = null)
    {
        var s = channel.Settings;
        var fallback = s.Routing.Kind == RoutingKind.Sticky ? s.Routing.Fallback : null;
        var properties = new Dictionary<string, object?>
        {
            [P.Name] = s.Name,
            [P.Status] = ChannelTexts.Status.Format(channel.Status),
            [P.CustomInfo] = s.CustomInfo,
            [P.TimeZone] = s.TimeZone,
            [P.RoutingRule] = ChannelTexts.RoutingKind.Format(s.Routing.Kind),
            [P.StickyFallbackRule] = fallback is null ? null : ChannelTexts.RoutingKind.Format(fallback.Kind),
            [P.WelcomeMessageEnabled] = s.AutoMessages.Welcome.Enabled,
            [P.WelcomeMessageText] = s.AutoMessages.Welcome.Text,
            [P.AwayMessageEnabled] = s.AutoMessages.Away.Enabled,
            [P.AwayMessageText] = s.AutoMessages.Away.Text,
            [P.CloseMessageEnabled] = s.AutoMessages.Close.Enabled,
            [P.CloseMessageText] = s.AutoMessages.Close.Text,
            [P.StaffNameFormat] = ChannelTexts.StaffNameFormat.Format(s.StaffNameFormat),
            [P.MissedEnquiryTimeoutSeconds] = s.MissedEnquiryTimeoutSeconds,
            [P.StickyPeriodMinutes] = s.StickyPeriodMinutes,
            [P.LineChannelId] = channel.LineChannelId,
            [P.BotUserId] = channel.BotUserId,
            [P.ReadReceiptsEnabled] = s.LineExtras.ReadReceiptsEnabled,
            [P.LoadingAnimationEnabled] = s.LineExtras.LoadingAnimationEnabled,
            [P.LoadingAnimationSeconds] = s.LineExtras.LoadingAnimationSeconds,
        };
        AddHandover(properties, s.Handover);
        WriteTransformers(properties, s.Transformers);
        AddSessionExpiry(properties, s.SessionExpiry);
        properties[P.MaskSensitiveLogging] = s.DataProtection.MaskSensitiveLogging;
        properties[P.StoreConversationContent] = s.DataProtection.StoreConversationContent;
        properties[P.RetentionDays] = s.DataProtection.RetentionDays;
        AddTranslation(properties, s.Translation);
        return new TableRow(ChannelTables.ChannelPartition, channel.Id, properties, etag);
    }

    public static IEnumerable<TableRow> DestinationRows(string channelId, ChannelSettings settings)
    {
        foreach (var d in settings.Destinations)
        {
            var properties = new Dictionary<string, object?>
            {
                [P.Kind] = ChannelTexts.DestinationKind.Format(d.Kind),
                [P.Transport] = ChannelTexts.Transport.Format(d.Transport),
                [P.WebhookUrl] = d.WebhookUrl?.OriginalString,
                [P.QueueName] = d.QueueName,
            };
            if (d.Schedule is { } schedule)
            {
                foreach (var (day, ranges) in schedule.Days)
                {
                    properties[P.Schedule(day)] = string.Join(", ", ranges.Select(r => r.ToString()));
                }
            }

            yield return new TableRow(channelId, d.Id, properties);
        }
    }

    public static IEnumerable<TableRow> RoutingRows(string channelId, ChannelSettings settings)
    {
        var rule = settings.Routing.Kind == RoutingKind.Sticky ? settings.Routing.Fallback! : settings.Routing;
        var kind = ChannelTexts.RoutingKind.Format(rule.Kind);
        for (var i = 0; i < rule.Targets.Count; i++)
        {
            yield return new TableRow(channelId, RowKey(kind, i), new Dictionary<string, object?>
            {
                [P.Destination] = rule.Targets[i].Destination,
                [P.Weight] = rule.Targets[i].Weight,
            });
        }

        for (var i = 0; i < rule.TimeWindows.Count; i++)
        {
            var w = rule.TimeWindows[i];
            yield return new TableRow(channelId, RowKey(kind, i), new Dictionary<string, object?>
            {
                [P.Days] = string.Join(",", w.Days.Select(ChannelTexts.Day.Format)),
                [P.From] = HourMinute.Format(w.From),
                [P.To] = HourMinute.Format(w.To),
                [P.Destination] = DestinationList(w.Destinations),
            });
        }

        if (rule.OtherTimes.Count > 0)
        {
            yield return new TableRow(channelId, ChannelTables.OtherTimesRowKey, new Dictionary<string, object?> { [P.Destination] = DestinationList(rule.OtherTimes) });
        }

        foreach (var row in HandoverRows(channelId, settings.Handover))
        {
            yield return row;
        }
    }

    /// <summary>A String property holds at most 32,768 characters: the code goes over as many as it needs (a surrogate pair is never split).</summary>
    private const int CodePartLength = TableRules.MaxStringLength;

    private static void WriteTransformers(Dictionary<string, object?> properties, TransformerSettings t)
    {
        var code = t.Code ?? "";
        for (int start = 0, n = 0; start < code.Length || n < 3; n++)
        {
            var length = Math.Min(CodePartLength, code.Length - start);
            if (length > 0 && start + length < code.Length && char.IsHighSurrogate(code[start + length - 1]))
            {
                length--;
            }

            // Parts beyond the code's end are written empty, so that a shorter code replaces a longer one.
            properties[P.TransformerCodePart(n)] = length > 0 ? code.Substring(start, length) : null;
            start += Math.Max(length, 0);
        }

        foreach (var kind in Enum.GetValues<Transformers.TransformerHookKind>())
        {
            properties[P.TransformerEnabled(kind)] = t[kind].Enabled;
            properties[P.TransformerAbortOnError(kind)] = t[kind].AbortOnError;
        }

        properties[P.TransformerTimeoutMilliseconds] = t.TimeoutMilliseconds;
        properties[P.TransformerMemoryLimitKilobytes] = t.MemoryLimitKilobytes;
        properties[P.TransformerMaxStatements] = t.MaxStatements;
        properties[P.TransformerMaxRecursionDepth] = t.MaxRecursionDepth;
    }

    private static TransformerSettings ReadTransformers(RowReader r)
    {
        var code = new System.Text.StringBuilder();
        for (var n = 0; r.Raw(P.TransformerCodePart(n)) is { } part; n++)
        {
            code.Append(part);
        }

        var hooks = Enum.GetValues<Transformers.TransformerHookKind>().ToDictionary(k => k, k => new TransformerHook(r.Bool(P.TransformerEnabled(k)), r.Bool(P.TransformerAbortOnError(k))));
        return new TransformerSettings
        {
            Code = code.Length == 0 ? null : code.ToString(),
            Input = hooks[Transformers.TransformerHookKind.Input],
            Output = hooks[Transformers.TransformerHookKind.Output],
            Notify = hooks[Transformers.TransformerHookKind.Notify],
            Inject = hooks[Transformers.TransformerHookKind.Inject],
            TimeoutMilliseconds = r.Int(P.TransformerTimeoutMilliseconds, TransformerSettings.DefaultTimeoutMilliseconds) ?? TransformerSettings.DefaultTimeoutMilliseconds,
            MemoryLimitKilobytes = r.Int(P.TransformerMemoryLimitKilobytes, TransformerSettings.DefaultMemoryLimitKilobytes) ?? TransformerSettings.DefaultMemoryLimitKilobytes,
            MaxStatements = r.Int(P.TransformerMaxStatements, TransformerSettings.DefaultMaxStatements) ?? TransformerSettings.DefaultMaxStatements,
            MaxRecursionDepth = r.Int(P.TransformerMaxRecursionDepth, TransformerSettings.DefaultMaxRecursionDepth) ?? TransformerSettings.DefaultMaxRecursionDepth,
        };
    }

    /// <summary>A time condition's destinations in one property, in order: <c>desk</c>, <c>desk, faq-bot</c> (ids hold no comma).</summary>
    private static string DestinationList(IReadOnlyList<string> ids) => string.Join(", ", ids);

    private static List<string> ReadDestinationList(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Two digits keep row key order (the order of alternatives) right up to 99 rows.</summary>
    private static string RowKey(string kind, int index) => string.Create(CultureInfo.InvariantCulture, $"{kind}-{index + 1:00}");

    /// <summary>The channel row's own facts, without its destinations and routing.</summary>
    public static ChannelSummary ReadSummary(TableRow row)
    {
        var problems = new List<ChannelProblem>();
        var r = new RowReader(ChannelTables.Channels, row, problems);
        var summary = new ChannelSummary(
            row.RowKey,
            r.Text(P.Name, required: true) ?? "",
            r.Enum(P.Status, ChannelTexts.Status) ?? ChannelStatus.Deleted,
            r.Text(P.LineChannelId, required: false),
            r.Text(P.BotUserId, required: false),
            row.ETag);
        ThrowIfAny(row.RowKey, problems);
        return summary;
    }

    public static Channel Read(TableRow channelRow, IReadOnlyList<TableRow> destinationRows, IReadOnlyList<TableRow> routingRows)
    {
        var channelId = channelRow.RowKey;
        var problems = new List<ChannelProblem>();
        var r = new RowReader(ChannelTables.Channels, channelRow, problems);

        var name = r.Text(P.Name, required: true);
        var status = r.Enum(P.Status, ChannelTexts.Status);
        var kind = r.Enum(P.RoutingRule, ChannelTexts.RoutingKind);
        RoutingKind? fallbackKind = null;
        if (kind == RoutingKind.Sticky)
        {
            fallbackKind = r.Enum(P.StickyFallbackRule, ChannelTexts.RoutingKind);
        }

        var autoMessages = new AutoMessages
        {
            Welcome = new AutoMessage(r.Bool(P.WelcomeMessageEnabled), r.Text(P.WelcomeMessageText, required: false)),
            Away = new AutoMessage(r.Bool(P.AwayMessageEnabled), r.Text(P.AwayMessageText, required: false)),
            Close = new AutoMessage(r.Bool(P.CloseMessageEnabled), r.Text(P.CloseMessageText, required: false)),
        };
        var staffNameFormat = r.Enum(P.StaffNameFormat, ChannelTexts.StaffNameFormat, StaffNameFormat.None);
        var missed = r.Int(P.MissedEnquiryTimeoutSeconds, ChannelSettings.DefaultMissedEnquiryTimeoutSeconds);
        var sticky = r.Int(P.StickyPeriodMinutes, ChannelSettings.DefaultStickyPeriodMinutes);
        var customInfo = r.Text(P.CustomInfo, required: false) ?? "";
        var timeZone = r.Text(P.TimeZone, required: true);
        var lineExtras = new LineExtrasSettings
        {
            ReadReceiptsEnabled = r.Bool(P.ReadReceiptsEnabled),
            LoadingAnimationEnabled = r.Bool(P.LoadingAnimationEnabled),
            LoadingAnimationSeconds = r.Int(P.LoadingAnimationSeconds, LineExtrasSettings.DefaultLoadingAnimationSeconds) ?? LineExtrasSettings.DefaultLoadingAnimationSeconds,
        };
        var transformers = ReadTransformers(r);
        var dataProtection = new DataProtectionSettings
        {
            MaskSensitiveLogging = r.Bool(P.MaskSensitiveLogging),
            StoreConversationContent = r.Bool(P.StoreConversationContent, fallback: true),
            RetentionDays = r.OptionalInt(P.RetentionDays),
        };

        var translation = ReadTranslation(r);

        var destinations = destinationRows.Select(row => ReadDestination(row, problems)).ToList();
        var locations = new Locations(channelId, destinationRows.Select(d => d.RowKey).ToList());
        var ruleKind = fallbackKind ?? kind;
        var rule = ruleKind is { } k ? ReadRule(k, routingRows, problems, locations) : null;
        var handover = ReadHandover(channelId, r, routingRows, problems);
        var sessionExpiry = ReadSessionExpiry(r);

        if (problems.Count == 0)
        {
            var settings = new ChannelSettings
            {
                Name = name!,
                CustomInfo = customInfo,
                TimeZone = timeZone!,
                Routing = kind == RoutingKind.Sticky ? new RoutingRule { Kind = RoutingKind.Sticky, Fallback = rule } : rule!,
                Destinations = destinations!,
                AutoMessages = autoMessages,
                StaffNameFormat = staffNameFormat!.Value,
                MissedEnquiryTimeoutSeconds = missed!.Value,
                StickyPeriodMinutes = sticky!.Value,
                Handover = handover,
                LineExtras = lineExtras,
                Transformers = transformers,
                SessionExpiry = sessionExpiry,
                DataProtection = dataProtection,
                Translation = translation,
            };
            problems.AddRange(ChannelValidation.Validate(settings).Select(locations.Locate));
            if (problems.Count == 0)
            {
                return new Channel(channelId, status!.Value, settings, r.Text(P.LineChannelId, required: false), r.Text(P.BotUserId, required: false));
            }
        }

        throw new ChannelConfigurationException(channelId, problems);
    }

    private static Destination? ReadDestination(TableRow row, List<ChannelProblem> problems)
    {
        var r = new RowReader(ChannelTables.Destinations, row, problems);
        var kind = r.Enum(P.Kind, ChannelTexts.DestinationKind);
        var transport = r.Enum(P.Transport, ChannelTexts.Transport);
        Uri? url = null;
        if (r.Text(P.WebhookUrl, required: false) is { } text && !Uri.TryCreate(text, UriKind.Absolute, out url))
        {
            problems.Add(new(ChannelTables.Destinations, row.RowKey, P.WebhookUrl, $"not an absolute URL (got '{text}')"));
        }

        var days = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            if (r.Text(P.Schedule(day), required: false) is not { } hours)
            {
                continue;
            }

            var ranges = new List<TimeRange>();
            foreach (var part in hours.Split(',', StringSplitOptions.TrimEntries))
            {
                if (TimeRange.TryParse(part, out var range))
                {
                    ranges.Add(range);
                }
                else
                {
                    problems.Add(new(ChannelTables.Destinations, row.RowKey, P.Schedule(day), $"must be ranges of HH:MM-HH:MM separated by commas, e.g. 09:00-12:00, 13:00-18:00 (got '{hours}')"));
                    break;
                }
            }

            days[day] = ranges;
        }

        if (kind is null || transport is null)
        {
            return null;
        }

        return new Destination
        {
            Id = row.RowKey,
            Kind = kind.Value,
            Transport = transport.Value,
            WebhookUrl = url,
            QueueName = r.Text(P.QueueName, required: false),
            Schedule = days.Count == 0 ? null : new WeeklySchedule { Days = days },
        };
    }

    private static RoutingRule ReadRule(RoutingKind kind, IReadOnlyList<TableRow> rows, List<ChannelProblem> problems, Locations locations)
    {
        var prefix = ChannelTexts.RoutingKind.Format(kind) + "-";
        locations.RulePrefix = prefix;
        var targets = new List<RoutingTarget>();
        var windows = new List<TimeWindow>();
        List<string> otherTimes = [];
        foreach (var row in rows)
        {
            if (row.RowKey.StartsWith(HandoverRowPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var r = new RowReader(ChannelTables.Routing, row, problems);
            if (kind == RoutingKind.Time && row.RowKey == ChannelTables.OtherTimesRowKey)
            {
                otherTimes = ReadDestinationList(r.Text(P.Destination, required: true));
                continue;
            }

            if (!RuleRowPrefixes.Any(p => row.RowKey.StartsWith(p, StringComparison.Ordinal)))
            {
                problems.Add(new(ChannelTables.Routing, row.RowKey, null,
                    $"the row key must start with {string.Join(", ", RuleRowPrefixes)} or be {ChannelTables.OtherTimesRowKey}"));
                continue;
            }

            // Rows of another rule are kept for when an operator switches back; only this rule's are read.
            if (!row.RowKey.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            locations.RuleRows.Add(row.RowKey);
            var destination = r.Text(P.Destination, required: true) ?? "";
            if (kind == RoutingKind.Time)
            {
                var days = ReadDays(row, r, problems);
                var from = ReadTime(row, r, P.From, problems);
                var to = ReadTime(row, r, P.To, problems);
                windows.Add(new TimeWindow(days, from, to, ReadDestinationList(destination)));
            }
            else
            {
                targets.Add(new RoutingTarget(destination, kind == RoutingKind.Percentage ? r.Int(P.Weight, fallback: null) : null));
            }
        }

        return new RoutingRule { Kind = kind, Targets = targets, TimeWindows = windows, OtherTimes = otherTimes };
    }

    private static List<DayOfWeek> ReadDays(TableRow row, RowReader r, List<ChannelProblem> problems)
    {
        var days = new List<DayOfWeek>();
        foreach (var text in (r.Text(P.Days, required: true) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ChannelTexts.Day.TryParse(text, out var day))
            {
                days.Add(day);
            }
            else
            {
                problems.Add(new(ChannelTables.Routing, row.RowKey, P.Days, $"days are {ChannelTexts.Day.Choices}, separated by commas (got '{text}')"));
            }
        }

        return days;
    }

    private static TimeOnly ReadTime(TableRow row, RowReader r, string property, List<ChannelProblem> problems)
    {
        var text = r.Text(property, required: true);
        if (text is null)
        {
            return default;
        }

        if (!HourMinute.TryParse(text, out var time))
        {
            problems.Add(new(ChannelTables.Routing, row.RowKey, property, $"must be a time of day as HH:MM, 00:00 to 23:59 (got '{text}')"));
        }

        return time;
    }

    private static void ThrowIfAny(string channelId, List<ChannelProblem> problems)
    {
        if (problems.Count > 0)
        {
            throw new ChannelConfigurationException(channelId, problems);
        }
    }

    /// <summary>Maps a validation failure (named as in the admin API) to the row and property to fix.</summary>
    private sealed class Locations(string channelId, List<string> destinationRows)
    {
        public List<string> RuleRows { get; } = [];

        /// <summary>The row key prefix of the rule in use, e.g. <c>alternative-</c>.</summary>
        public string RulePrefix { get; set; } = "";

        public ChannelProblem Locate(FieldError error)
        {
            var field = error.Field;
            if (TryIndex(field, "destinations[", out var index, out var rest) && index < destinationRows.Count)
            {
                var property = rest switch
                {
                    "id" => null,
                    "schedule" => null,
                    _ when rest.StartsWith("schedule.", StringComparison.Ordinal) && ChannelTexts.Day.TryParse(rest[9..], out var day) => P.Schedule(day),
                    _ => Pascal(rest),
                };
                return new(ChannelTables.Destinations, destinationRows[index], property, error.Message);
            }

            if (field.StartsWith("routing", StringComparison.Ordinal))
            {
                var sub = field.Replace("routing.fallback.", "routing.", StringComparison.Ordinal);
                if (field is "routing.kind")
                {
                    return new(ChannelTables.Channels, channelId, P.RoutingRule, error.Message);
                }

                if (field is "routing.fallback" or "routing.fallback.kind")
                {
                    return new(ChannelTables.Channels, channelId, P.StickyFallbackRule, error.Message);
                }

                if ((TryIndex(sub, "routing.targets[", out index, out rest) || TryIndex(sub, "routing.timeWindows[", out index, out rest)) && index < RuleRows.Count)
                {
                    // A window's destinations[i] is its Destination property, which lists them all.
                    var property = rest.StartsWith("destinations", StringComparison.Ordinal) ? P.Destination : Pascal(rest);
                    return new(ChannelTables.Routing, RuleRows[index], property, error.Message);
                }

                if (sub.StartsWith("routing.otherTimes", StringComparison.Ordinal))
                {
                    return new(ChannelTables.Routing, ChannelTables.OtherTimesRowKey, P.Destination, error.Message);
                }

                return new(ChannelTables.Routing, $"{RulePrefix}NN", null, error.Message);
            }

            if (field.StartsWith("lineExtras.", StringComparison.Ordinal))
            {
                return new(ChannelTables.Channels, channelId, Pascal(field["lineExtras.".Length..]), error.Message);
            }

            if (field.StartsWith("dataProtection.", StringComparison.Ordinal))
            {
                return new(ChannelTables.Channels, channelId, Pascal(field["dataProtection.".Length..]), error.Message);
            }

            if (field.StartsWith("translation.", StringComparison.Ordinal))
            {
                return new(ChannelTables.Channels, channelId, P.TranslationPrefix + Pascal(field["translation.".Length..]), error.Message);
            }

            if (field.StartsWith("transformers.", StringComparison.Ordinal))
            {
                var part = field["transformers.".Length..];
                var property = part switch
                {
                    "code" => P.TransformerCode,
                    _ when part.Split('.') is [var hook, var which] && Enum.TryParse<Transformers.TransformerHookKind>(hook, ignoreCase: true, out var kind) =>
                        which == "abortOnError" ? P.TransformerAbortOnError(kind) : P.TransformerEnabled(kind),
                    _ => "Transformer" + Pascal(part),
                };
                return new(ChannelTables.Channels, channelId, property, error.Message);
            }

            if (field.StartsWith("autoMessages.", StringComparison.Ordinal))
            {
                var which = field.Split('.')[1];
                return new(ChannelTables.Channels, channelId, Pascal(which) + "MessageText", error.Message);
            }

            return new(ChannelTables.Channels, channelId, Pascal(field), error.Message);
        }

        private static bool TryIndex(string field, string prefix, out int index, out string rest)
        {
            index = -1;
            rest = "";
            if (!field.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            var close = field.IndexOf(']', prefix.Length);
            if (close < 0 || !int.TryParse(field.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                return false;
            }

            rest = close + 2 <= field.Length ? field[Math.Min(close + 2, field.Length)..] : "";
            return true;
        }

        private static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>Reads one row's properties, recording every problem with the row and property.</summary>
    private sealed class RowReader(string table, TableRow row, List<ChannelProblem> problems)
    {
        /// <summary>The text, or null when absent or blank (an empty property in the portal means "not set").</summary>
        public string? Text(string property, bool required)
        {
            switch (Value(property))
            {
                case null:
                    break;
                case string s when !string.IsNullOrWhiteSpace(s):
                    return s;
                case string:
                    break;
                case var other:
                    Problem(property, $"must be a String (got {Describe(other)})");
                    return null;
            }

            if (required)
            {
                Problem(property, "required");
            }

            return null;
        }

        /// <summary>A String as it is (code keeps its whitespace), or null when absent or empty.</summary>
        public string? Raw(string property)
        {
            switch (Value(property))
            {
                case null:
                case string { Length: 0 }:
                    return null;
                case string s:
                    return s;
                case var other:
                    Problem(property, $"must be a String (got {Describe(other)})");
                    return null;
            }
        }

        /// <summary>The whole number, or null when absent or blank (no default: "not set" has its own meaning).</summary>
        public int? OptionalInt(string property) => Value(property) is null || Value(property) is string s && string.IsNullOrWhiteSpace(s) ? null : Int(property, fallback: null);

        public int? Int(string property, int? fallback)
        {
            var value = Value(property);
            switch (value)
            {
                case null:
                case string s when string.IsNullOrWhiteSpace(s):
                    if (fallback is null)
                    {
                        Problem(property, "required: a whole number");
                    }

                    return fallback;
                case int i:
                    return i;
                case long l and >= int.MinValue and <= int.MaxValue:
                    return (int)l;
                case string s when int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                default:
                    Problem(property, $"must be a whole number (got {Describe(value)})");
                    return null;
            }
        }

        public bool Bool(string property, bool fallback = false)
        {
            var value = Value(property);
            switch (value)
            {
                case null:
                case string s when string.IsNullOrWhiteSpace(s):
                    return fallback;
                case bool b:
                    return b;
                case string s when bool.TryParse(s.Trim(), out var parsed):
                    return parsed;
                default:
                    Problem(property, $"must be true or false (got {Describe(value)})");
                    return false;
            }
        }

        /// <summary>The value, or <paramref name="fallback"/> when absent; a required one (no fallback) is reported when absent.</summary>
        public T? Enum<T>(string property, EnumText<T> names, T? fallback = null)
            where T : struct, System.Enum
        {
            var text = Text(property, required: fallback is null);
            if (text is null)
            {
                return fallback;
            }

            if (names.TryParse(text, out var value))
            {
                return value;
            }

            Problem(property, $"must be {names.Choices} (got '{text}')");
            return null;
        }

        private object? Value(string property) => row.Properties.TryGetValue(property, out var value) ? value : null;

        private void Problem(string property, string message) => problems.Add(new(table, row.RowKey, property, message));

        private static string Describe(object value) => value switch
        {
            string s => $"'{s}'",
            bool b => b ? "true" : "false",
            IFormattable f => $"{value.GetType().Name} {f.ToString(null, CultureInfo.InvariantCulture)}",
            _ => value.GetType().Name,
        };
    }
}

/// <summary>A channel's own row: enough for the webhook, the token provider and listings.</summary>
public sealed record ChannelSummary(string Id, string Name, ChannelStatus Status, string? LineChannelId, string? BotUserId, string? ETag);
