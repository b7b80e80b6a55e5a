namespace LineConnector.Core.Cost;

/// <summary>Settings of <see cref="QuotaWatch"/> (section <c>Quota</c>).</summary>
public sealed class QuotaWatchOptions
{
    public const string Section = "Quota";

    /// <summary>A channel's quota and consumption are read from LINE at most once per this interval.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The share of the month's limit past which the connector warns (0.8: 80%).</summary>
    public double WarningShare { get; set; } = 0.8;

    public void Validate()
    {
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, "Quota:RefreshInterval must be positive.");
        }

        if (WarningShare is <= 0 or > 1 || double.IsNaN(WarningShare))
        {
            throw new ArgumentOutOfRangeException(nameof(WarningShare), WarningShare, "Quota:WarningShare must be above 0 and at most 1.");
        }
    }
}
