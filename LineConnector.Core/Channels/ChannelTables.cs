namespace LineConnector.Core.Channels;

/// <summary>
/// Where channels live in Table Storage (docs/configuration.md describes every property).
/// Every channel is one row of <see cref="Channels"/>; its destinations and routing conditions are
/// rows of their own tables in a partition named after the channel.
/// </summary>
public static class ChannelTables
{
    /// <summary>Partition <see cref="ChannelPartition"/>, row key = channel id.</summary>
    public const string Channels = "Channels";

    /// <summary>Partition = channel id, row key = destination id.</summary>
    public const string Destinations = "ChannelDestinations";

    /// <summary>Partition = channel id, row key = <c>{rule}-{nn}</c> (e.g. <c>alternative-01</c>, <c>time-other</c>); the handover rule's rows as <c>handover-{rule}-{nn}</c>.</summary>
    public const string Routing = "ChannelRouting";

    /// <summary>Unique keys: partition <see cref="BotUserPartition"/> (row key = LINE bot user id) and
    /// <see cref="SecretNamePartition"/> (row key = the channel id as Key Vault spells it); property ChannelId.</summary>
    public const string Claims = "ChannelClaims";

    public const string ChannelPartition = "channel";
    public const string BotUserPartition = "bot-user";
    public const string SecretNamePartition = "secret-name";

    public const string OtherTimesRowKey = "time-other";

    public static IReadOnlyList<string> All { get; } = [Channels, Destinations, Routing, Claims];
}

/// <summary>Property names of the channel tables, as an operator sees them in the portal.</summary>
public static class ChannelProperties
{
    public const string Name = "Name";
    public const string Status = "Status";
    public const string CustomInfo = "CustomInfo";
    public const string TimeZone = "TimeZone";
    public const string RoutingRule = "RoutingRule";
    public const string StickyFallbackRule = "StickyFallbackRule";
    public const string WelcomeMessageEnabled = "WelcomeMessageEnabled";
    public const string WelcomeMessageText = "WelcomeMessageText";
    public const string AwayMessageEnabled = "AwayMessageEnabled";
    public const string AwayMessageText = "AwayMessageText";
    public const string CloseMessageEnabled = "CloseMessageEnabled";
    public const string CloseMessageText = "CloseMessageText";
    public const string StaffNameFormat = "StaffNameFormat";
    public const string MissedEnquiryTimeoutSeconds = "MissedEnquiryTimeoutSeconds";
    public const string StickyPeriodMinutes = "StickyPeriodMinutes";
    public const string LineChannelId = "LineChannelId";
    public const string BotUserId = "BotUserId";
    public const string HandoverRule = "HandoverRule";
    public const string HandoverStickyFallbackRule = "HandoverStickyFallbackRule";
    public const string HandoverMessageEnabled = "HandoverMessageEnabled";
    public const string HandoverMessageText = "HandoverMessageText";
    public const string HandoverWhenNoStaff = "HandoverWhenNoStaff";
    public const string HandoverHistoryEvents = "HandoverHistoryEvents";
    public const string HandoverHistoryMinutes = "HandoverHistoryMinutes";
    public const string ReadReceiptsEnabled = nameof(LineExtrasSettings.ReadReceiptsEnabled);
    public const string LoadingAnimationEnabled = nameof(LineExtrasSettings.LoadingAnimationEnabled);
    public const string LoadingAnimationSeconds = nameof(LineExtrasSettings.LoadingAnimationSeconds);

    // Transformers (Channels): the code over as many String properties as it needs, each at most 32,768 characters.
    public const string TransformerCode = "TransformerCode";
    public const string TransformerTimeoutMilliseconds = "TransformerTimeoutMilliseconds";
    public const string TransformerMemoryLimitKilobytes = "TransformerMemoryLimitKilobytes";
    public const string TransformerMaxStatements = "TransformerMaxStatements";
    public const string TransformerMaxRecursionDepth = "TransformerMaxRecursionDepth";

    // Data protection (Channels)
    public const string MaskSensitiveLogging = "MaskSensitiveLogging";
    public const string StoreConversationContent = "StoreConversationContent";
    public const string RetentionDays = "RetentionDays";

    // Real-time translation (Channels): Translation + the setting's name; the key is in Key Vault, never here.
    public const string TranslationPrefix = "Translation";
    public const string TranslationEnabled = "TranslationEnabled";
    public const string TranslationProvider = "TranslationProvider";
    public const string TranslationAuthentication = "TranslationAuthentication";
    public const string TranslationEndpoint = "TranslationEndpoint";
    public const string TranslationRegion = "TranslationRegion";
    public const string TranslationResourceId = "TranslationResourceId";
    public const string TranslationStaffLanguage = "TranslationStaffLanguage";
    public const string TranslationUserLanguage = "TranslationUserLanguage";
    public const string TranslationDetectionInputs = "TranslationDetectionInputs";
    public const string TranslationMarker = "TranslationMarker";
    public const string TranslationRemoveMarkers = "TranslationRemoveMarkers";
    public const string TranslationTimeoutMilliseconds = "TranslationTimeoutMilliseconds";

    /// <summary>The code's n-th part (0: <c>TransformerCode</c>, 1: <c>TransformerCode2</c>, ...).</summary>
    public static string TransformerCodePart(int n) => n == 0 ? TransformerCode : TransformerCode + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A hook's switches: <c>TransformerInputEnabled</c>, <c>TransformerInputAbortOnError</c>, ...</summary>
    public static string TransformerEnabled(Transformers.TransformerHookKind kind) => $"Transformer{kind}Enabled";

    public static string TransformerAbortOnError(Transformers.TransformerHookKind kind) => $"Transformer{kind}AbortOnError";

    public const string SessionIdleSeconds = "SessionIdleSeconds";
    public const string SessionWarningSeconds = "SessionWarningSeconds";
    public const string SessionWarningText = "SessionWarningText";

    // ChannelDestinations
    public const string Kind = "Kind";
    public const string Transport = "Transport";
    public const string WebhookUrl = "WebhookUrl";
    public const string QueueName = "QueueName";
    public const string SchedulePrefix = "Schedule";

    // ChannelRouting
    public const string Destination = "Destination";
    public const string Weight = "Weight";
    public const string Days = "Days";
    public const string From = "From";
    public const string To = "To";

    // ChannelClaims
    public const string ChannelId = "ChannelId";

    /// <summary>The schedule property of a day: <c>ScheduleMon</c> ... <c>ScheduleSun</c>.</summary>
    public static string Schedule(DayOfWeek day)
    {
        var text = ChannelTexts.Day.Format(day);
        return SchedulePrefix + char.ToUpperInvariant(text[0]) + text[1..];
    }
}
