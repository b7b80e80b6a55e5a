using LineConnector.Core.Line;

namespace LineConnector.Core.Channels;

/// <summary>Judges a channel's <see cref="SessionExpirySettings"/> (part of <see cref="ChannelValidation"/>).</summary>
internal static class SessionExpiryValidation
{
    public static void Check(List<FieldError> errors, string field, SessionExpirySettings? expiry)
    {
        if (expiry is null)
        {
            errors.Add(new(field, "required (leave it out for the defaults)"));
            return;
        }

        if (expiry.IdleSeconds is { } idle)
        {
            ChannelValidation.CheckRange(errors, $"{field}.idleSeconds", idle, 0, SessionExpirySettings.MaxIdleSeconds);
        }

        ChannelValidation.CheckRange(errors, $"{field}.warningSeconds", expiry.WarningSeconds, 0, SessionExpirySettings.MaxIdleSeconds);
        if (expiry is { IdleSeconds: > 0 and var seconds, WarningSeconds: > 0 } && expiry.WarningSeconds >= seconds)
        {
            errors.Add(new($"{field}.warningSeconds", $"less than idleSeconds ({seconds:N0}): the warning goes that long before the close"));
        }

        if (expiry.WarningText is { } text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add(new($"{field}.warningText", "must not be blank; leave it out for the default text"));
            }
            else if (text.Length > MessageLimits.MaxTextLength)
            {
                errors.Add(new($"{field}.warningText", $"at most {MessageLimits.MaxTextLength:N0} characters (got {text.Length:N0})"));
            }

            foreach (var placeholder in AutoMessage.UnknownPlaceholders(text).Append(AutoMessage.StaffPlaceholder).Where(text.Contains).Distinct())
            {
                errors.Add(new($"{field}.warningText", $"placeholder {placeholder} is not replaced in the warning"));
            }
        }
    }
}
