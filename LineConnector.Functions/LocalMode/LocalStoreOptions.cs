namespace LineConnector.Functions.LocalMode;

/// <summary>Settings of local mode's embedded store, one SQLite file with the tables and the queues (section <c>LocalStore</c>).</summary>
public sealed class LocalStoreOptions
{
    public const string Section = "LocalStore";

    /// <summary>The value of <see cref="Path"/> that keeps everything in memory, gone when the app stops (tests).</summary>
    public const string InMemory = ":memory:";

    /// <summary>Where the store lives unless <see cref="Path"/> says otherwise, relative to the working directory.</summary>
    public static readonly string DefaultPath = System.IO.Path.Combine(".line-connector", "local.db");

    /// <summary>The SQLite file, relative to the working directory or absolute; its folder is created. <see cref="InMemory"/>: no file.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// How long a handled event's record (an <c>event:</c> row of table <c>Conversations</c>) is kept. It makes a redelivered event a no-op, and
    /// redeliveries come within the queue's retries and the duplicate detection window; older records are deleted.
    /// </summary>
    public TimeSpan ProcessedEventRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often expired duplicate-detection ids and event records are deleted.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);
}
