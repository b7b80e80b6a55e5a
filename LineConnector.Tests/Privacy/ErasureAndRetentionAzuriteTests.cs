using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Privacy;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Enquiries;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Privacy;

/// <summary>Erasing a user and the retention sweep against a real Azurite, on conversations written as the connector writes them; counts exact.</summary>
public sealed class ErasureAndRetentionAzuriteTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly ITableStore _store = AzuriteTableStoreTests.CreateStore();
    private readonly string _channel = "dp-" + Guid.NewGuid().ToString("N")[..12];
    private readonly TestClock _clock = new(Now);

    private static string User(int n) => EnquiryWorld.User(n);

    private async Task<ChannelRepository> ChannelAsync(int? retentionDays = null, bool mask = false)
    {
        var repository = new ChannelRepository(_store);
        var settings = ChannelSamples.Settings("desk") with { DataProtection = new DataProtectionSettings { RetentionDays = retentionDays, MaskSensitiveLogging = mask } };
        await repository.CreateAsync(new Channel(_channel, ChannelStatus.Active, settings, null, null), default);
        return repository;
    }

    /// <summary>
    /// One enquiry of <paramref name="user"/> opened (and closed when <paramref name="closedAt"/> is given) with its source row, one history event, the
    /// records of <paramref name="events"/> handled events, an image's content row, a kept event, and <paramref name="sent"/> sent-message records.
    /// </summary>
    private async Task<string> ConversationAsync(string user, string openingEvent, DateTimeOffset at, DateTimeOffset? closedAt, int events, int sent)
    {
        var enquiries = new EnquiryStore(_store);
        var id = EnquiryIds.For(_channel, user, openingEvent);
        var enquiry = new StoredEnquiry
        {
            ChannelId = _channel,
            SourceType = "user",
            Enquiry = new Enquiry
            {
                Id = id,
                SourceId = user,
                State = closedAt is null ? EnquiryState.Missed : EnquiryState.Closed,
                OpenedAt = at,
                LastActivityAt = closedAt ?? at,
                ClosedAt = closedAt,
                ClosedBy = closedAt is null ? null : EnquiryCloser.Staff,
                KeptEvents = 1,
            },
            History = 1,
        };
        var write = new EnquiryWrite(enquiry)
        {
            Source = new SourceRecord(_channel, user, id, null),
            Record = new ProcessedCause(_channel, openingEvent, id, "message", "opened", "Opened.", at),
            Content = new InboundContent(_channel, "4" + openingEvent[^8..], id, "image"),
            Keep = new KeptEvent(id, 0, openingEvent, """{"type":"message"}"""),
            History = new HistoryEvent(id, 0, openingEvent, """{"type":"message"}""", at),
        };
        (await enquiries.WriteAsync(write, null, default)).Should().NotBeNull();
        for (var i = 1; i < events; i++)
        {
            await enquiries.RecordAsync(new ProcessedCause(_channel, $"{openingEvent}-{i}", id, "message", "continued", "Continued.", at.AddMinutes(i)), user, once: true, default);
        }

        await _store.CreateTableIfNotExistsAsync(TableOutboundRecords.Table, default);
        for (var i = 0; i < sent; i++)
        {
            var key = new OutboundKey($"out-{openingEvent}-{i}", _channel, user);
            await _store.UpsertAsync(TableOutboundRecords.Table, new TableRow(TableOutboundRecords.Partition(key), TableOutboundRecords.MessageRowKey(key.OutboundId), new Dictionary<string, object?> { [TableOutboundRecords.RecipientProperty] = user }), default);
        }

        return id;
    }

    private async Task<List<TableRow>> RowsAsync(string table, string partition)
    {
        var rows = new List<TableRow>();
        await foreach (var row in _store.QueryPartitionAsync(table, partition, default))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Erasing_a_user_deletes_every_row_about_them_and_counts_them_leaving_other_users_alone()
    {
        var repository = await ChannelAsync(mask: true);
        var first = await ConversationAsync(User(1), "01ERASE00000000000000001", Now.AddDays(-3), Now.AddDays(-2), events: 3, sent: 2);
        var second = await ConversationAsync(User(1), "01ERASE00000000000000002", Now.AddDays(-1), null, events: 2, sent: 1);
        await ConversationAsync(User(2), "01ERASE00000000000000003", Now, null, events: 4, sent: 2);
        var hasher = new UserIdHasher(new byte[32]);

        var erased = await new UserErasure(_store, repository, new SensitiveLogging(new ChannelCache(repository, _clock), hasher)).EraseAsync(_channel, User(1), default);

        // Two enquiries (the source row points at the second), 3 + 2 event records, an image and a kept event each, 3 sent messages.
        erased.Deleted.Should().Be(new DeletedRows(Sources: 1, Enquiries: 2, Events: 5, Contents: 2, KeptEvents: 2, History: 2, OutboundMessages: 3));
        erased.User.Should().Be(hasher.Hash(User(1)), "the channel masks logging: the answer names the user as its logs do");
        (await RowsAsync(EnquiryTables.Conversations, EnquiryTables.Partition(_channel, User(1))))
            .Where(r => r.RowKey.Contains(User(1), StringComparison.Ordinal) || Equals(r.Properties.GetValueOrDefault(EnquiryProperties.SourceId), User(1))
                || new[] { first, second }.Any(id => r.RowKey.Contains(id, StringComparison.Ordinal) || Equals(r.Properties.GetValueOrDefault(EnquiryProperties.EnquiryId), id)))
            .Should().BeEmpty();
        (await RowsAsync(TableOutboundRecords.Table, $"{_channel}:{User(1)}")).Should().BeEmpty();
        (await new EnquiryStore(_store).GetSourceAsync(_channel, User(1), default)).Should().BeNull();

        // The other user keeps everything: source, enquiry, 4 records, content, kept event; 2 sent messages.
        (await RowsAsync(EnquiryTables.Conversations, EnquiryTables.Partition(_channel, User(2))))
            .Count(r => Equals(r.Properties.GetValueOrDefault(EnquiryProperties.SourceId), User(2)) || r.RowKey.StartsWith("source:" + User(2), StringComparison.Ordinal)).Should().Be(6, "source, enquiry and 4 event records name the user");
        (await RowsAsync(TableOutboundRecords.Table, $"{_channel}:{User(2)}")).Should().HaveCount(2);

        var again = await new UserErasure(_store, repository, new SensitiveLogging(new ChannelCache(repository, _clock), hasher)).EraseAsync(_channel, User(1), default);
        again.Deleted.Should().Be(DeletedRows.None, "nothing is left to erase");
    }

    [Fact]
    public async Task Erasing_refuses_what_is_not_a_LINE_user_id_and_an_unknown_channel()
    {
        var repository = await ChannelAsync();
        var erasure = new UserErasure(_store, repository, new SensitiveLogging(new ChannelCache(repository, _clock), new UserIdHasher(new byte[32])));

        (await erasure.Invoking(e => e.EraseAsync(_channel, "not-a-user", default)).Should().ThrowAsync<Core.DomainException>())
            .Which.Error.Should().Be(Core.DomainError.Invalid);
        (await erasure.Invoking(e => e.EraseAsync(_channel, EnquiryWorld.Group(1), default)).Should().ThrowAsync<Core.DomainException>())
            .Which.Error.Should().Be(Core.DomainError.Invalid);
        (await erasure.Invoking(e => e.EraseAsync("no-such-channel-" + Guid.NewGuid().ToString("N")[..8], User(1), default)).Should().ThrowAsync<Core.DomainException>())
            .Which.Error.Should().Be(Core.DomainError.NotFound);
    }

    [Fact]
    public async Task The_retention_sweep_deletes_closed_enquiries_and_event_records_older_than_the_channels_days()
    {
        var repository = await ChannelAsync(retentionDays: 30);
        // Closed 40 days ago: gone with its 3 records, content and kept event.
        await ConversationAsync(User(3), "01KEEP000000000000000001", Now.AddDays(-45), Now.AddDays(-40), events: 3, sent: 1);
        // Opened 35 days ago, closed 10 days ago: the enquiry stays; its 2 records (35 days old) go.
        var recent = await ConversationAsync(User(4), "01KEEP000000000000000002", Now.AddDays(-35), Now.AddDays(-10), events: 2, sent: 1);
        // Still open since 50 days ago: the enquiry stays (only closed ones go), its 2 old records go.
        var open = await ConversationAsync(User(5), "01KEEP000000000000000003", Now.AddDays(-50), null, events: 2, sent: 1);
        // Today: nothing goes.
        await ConversationAsync(User(6), "01KEEP000000000000000004", Now, null, events: 2, sent: 1);

        var swept = await new RetentionSweep(_store, repository, _clock).SweepAsync(default);

        swept.Should().ContainKey(_channel);
        swept[_channel].Should().Be(new DeletedRows(Sources: 0, Enquiries: 1, Events: 3 + 2 + 2, Contents: 1, KeptEvents: 1, History: 1, OutboundMessages: 0));
        var enquiries = new EnquiryStore(_store);
        (await enquiries.GetAsync(recent, User(4), default)).Should().NotBeNull();
        (await enquiries.GetAsync(open, User(5), default)).Should().NotBeNull();
        (await enquiries.FindProcessedAsync(_channel, User(6), "01KEEP000000000000000004", default)).Should().NotBeNull();

        (await new RetentionSweep(_store, repository, _clock).SweepAsync(default))[_channel].Should().Be(DeletedRows.None, "a second sweep finds nothing more");
    }

    /// <summary>
    /// One enquiry of <paramref name="user"/> as versions before the conversations table wrote it (tables <c>Enquiries</c>,
    /// <c>EnquirySources</c>, <c>EnquiryContent</c>, <c>EnquiryEvents</c>, one partition per channel), with <paramref name="contents"/>
    /// content rows and <paramref name="events"/> records of events handled when it opened.
    /// </summary>
    private async Task<string> EarlierConversationAsync(string user, int n, DateTimeOffset at, DateTimeOffset? closedAt, int contents, int events = 0)
    {
        foreach (var table in new[] { EarlierEnquiryTables.Enquiries, EarlierEnquiryTables.Sources, EarlierEnquiryTables.Content, EarlierEnquiryTables.Events })
        {
            await _store.CreateTableIfNotExistsAsync(table, default);
        }

        var id = $"{_channel}.{n:D24}";
        await _store.InsertAsync(EarlierEnquiryTables.Enquiries, new TableRow(_channel, id, new Dictionary<string, object?>
        {
            ["SourceId"] = user, ["SourceType"] = "user", ["State"] = closedAt is null ? "ongoing" : "closed", ["DestinationId"] = "desk",
            ["OpenedAt"] = at, ["LastActivityAt"] = closedAt ?? at, ["ClosedAt"] = closedAt,
        }), default);
        await _store.UpsertAsync(EarlierEnquiryTables.Sources, new TableRow(_channel, user, new Dictionary<string, object?> { ["CurrentEnquiryId"] = id }), default);
        for (var i = 0; i < contents; i++)
        {
            await _store.InsertAsync(EarlierEnquiryTables.Content, new TableRow(_channel, $"6{n:D8}{i:D8}", new Dictionary<string, object?> { ["EnquiryId"] = id, ["Kind"] = "image" }), default);
        }

        for (var i = 0; i < events; i++)
        {
            await _store.InsertAsync(EarlierEnquiryTables.Events, new TableRow(_channel, $"01EARLIER{n:D8}{i:D8}", new Dictionary<string, object?>
            {
                ["SourceId"] = user, ["EnquiryId"] = id, ["EventType"] = "message", ["Outcome"] = "opened", ["ProcessedAt"] = at.AddMinutes(i),
            }), default);
        }

        return id;
    }

    [Fact]
    public async Task Erasing_a_user_deletes_their_rows_in_the_tables_of_earlier_versions_too()
    {
        var repository = await ChannelAsync();
        await ConversationAsync(User(7), "01ERASE00000000000000007", Now.AddDays(-1), null, events: 1, sent: 0);
        var first = await EarlierConversationAsync(User(7), 1, Now.AddDays(-90), Now.AddDays(-80), contents: 2, events: 2);
        var second = await EarlierConversationAsync(User(7), 2, Now.AddDays(-20), null, contents: 1, events: 1);
        var other = await EarlierConversationAsync(User(8), 3, Now.AddDays(-20), null, contents: 3, events: 4);
        var erasure = new UserErasure(_store, repository, new SensitiveLogging(new ChannelCache(repository, _clock), new UserIdHasher(new byte[32])));

        var erased = await erasure.EraseAsync(_channel, User(7), default);

        // Conversations table: source, enquiry, 1 record, content, kept, history. Earlier tables: source, 2 enquiries, 2 + 1 contents, 2 + 1 records.
        erased.Deleted.Should().Be(new DeletedRows(Sources: 1 + 1, Enquiries: 1 + 2, Events: 1 + 3, Contents: 1 + 3, KeptEvents: 1, History: 1, OutboundMessages: 0));
        (await RowsAsync(EarlierEnquiryTables.Events, _channel)).Select(r => r.Properties["SourceId"]).Should().Equal(User(8), User(8), User(8), User(8));
        (await RowsAsync(EarlierEnquiryTables.Enquiries, _channel)).Select(r => r.RowKey).Should().Equal(other);
        (await RowsAsync(EarlierEnquiryTables.Sources, _channel)).Select(r => r.RowKey).Should().Equal(User(8));
        (await RowsAsync(EarlierEnquiryTables.Content, _channel)).Select(r => r.Properties["EnquiryId"]).Should().Equal(other, other, other);
        (await new EnquiryStore(_store).GetAsync(first, default)).Should().BeNull();
        (await new EnquiryStore(_store).GetAsync(second, default)).Should().BeNull();

        (await erasure.EraseAsync(_channel, User(7), default)).Deleted.Should().Be(DeletedRows.None, "nothing is left to erase");
    }

    [Fact]
    public async Task The_retention_sweep_deletes_closed_enquiries_of_the_earlier_tables_with_their_content()
    {
        var repository = await ChannelAsync(retentionDays: 30);
        // Closed 40 days ago: the enquiry, its 2 contents and its 3 records (45 days old) go; the source row stays (as in the conversations table).
        await EarlierConversationAsync(User(9), 4, Now.AddDays(-45), Now.AddDays(-40), contents: 2, events: 3);
        // Closed 10 days ago, and open since 60 days: both stay; their records older than 30 days (1 + 2) go.
        var recent = await EarlierConversationAsync(User(10), 5, Now.AddDays(-35), Now.AddDays(-10), contents: 1, events: 1);
        var open = await EarlierConversationAsync(User(11), 6, Now.AddDays(-60), null, contents: 1, events: 2);
        // Records of today stay.
        await EarlierConversationAsync(User(12), 7, Now, null, contents: 0, events: 2);

        var swept = await new RetentionSweep(_store, repository, _clock).SweepAsync(default);

        swept[_channel].Should().Be(new DeletedRows(Sources: 0, Enquiries: 1, Events: 3 + 1 + 2, Contents: 2, KeptEvents: 0, History: 0, OutboundMessages: 0));
        (await RowsAsync(EarlierEnquiryTables.Events, _channel)).Select(r => r.Properties["SourceId"]).Should().Equal(User(12), User(12));
        (await RowsAsync(EarlierEnquiryTables.Enquiries, _channel)).Select(r => r.RowKey).Should().BeEquivalentTo([recent, open, $"{_channel}.{7:D24}"]);
        (await RowsAsync(EarlierEnquiryTables.Content, _channel)).Select(r => r.Properties["EnquiryId"]).Should().BeEquivalentTo([recent, open]);
        (await RowsAsync(EarlierEnquiryTables.Sources, _channel)).Should().HaveCount(4);
        (await new RetentionSweep(_store, repository, _clock).SweepAsync(default))[_channel].Should().Be(DeletedRows.None);
    }

    [Fact]
    public async Task Without_the_earlier_tables_erasure_and_retention_count_only_what_is_there()
    {
        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        var settings = ChannelSamples.Settings("desk") with { DataProtection = new DataProtectionSettings { RetentionDays = 1 } };
        await repository.CreateAsync(new Channel(_channel, ChannelStatus.Active, settings, null, null), default);

        (await new UserErasure(store, repository, new SensitiveLogging(new ChannelCache(repository, _clock), new UserIdHasher(new byte[32]))).EraseAsync(_channel, User(1), default))
            .Deleted.Should().Be(DeletedRows.None);
        (await new RetentionSweep(store, repository, _clock).SweepAsync(default))[_channel].Should().Be(DeletedRows.None);
    }

    [Fact]
    public void The_sweep_runs_daily_at_three_UTC_as_the_functions_schedule_says()
    {
        RetentionSweep.Next(new DateTimeOffset(2026, 11, 29, 2, 59, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
        RetentionSweep.Next(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        RetentionSweep.Next(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(9))).Should().Be(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));

        var function = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Packaging.RepositoryFiles.PathOf("LineConnector.Functions", "DataRetention", "function.json")))!;
        var trigger = function["bindings"]!.AsArray().Should().ContainSingle().Subject!;
        trigger["type"]!.GetValue<string>().Should().Be("timerTrigger");
        trigger["schedule"]!.GetValue<string>().Should().Be(RetentionSweep.Schedule);
    }
}
