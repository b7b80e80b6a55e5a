using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Enquiries;

/// <summary>The enquiry and presence stores, run against the in-memory store, local mode's SQLite store and a real Azurite.</summary>
public abstract class EnquiryStoreTests
{
    private const string Channel = "shop";
    private const string User = "U0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    protected abstract ITableStore Tables { get; }

    private EnquiryStore Store => new(Tables);

    private static StoredEnquiry NewEnquiry(string eventId) => new()
    {
        ChannelId = Channel,
        SourceType = "user",
        OpenedByEventId = eventId,
        Enquiry = new Enquiry
        {
            Id = EnquiryIds.For(Channel, eventId),
            SourceId = User,
            State = EnquiryState.Open,
            DestinationId = "desk",
            OpenedAt = At,
            AcceptBy = At.AddSeconds(60),
            LastActivityAt = At,
        },
        LatestReply = new OutboundReply("reply-token-1", At),
        Pending = new PendingEffects(eventId, [new SendAutoMessage(AutoMessageKind.Welcome, null), new ForwardEvent("desk", null), new ScheduleMissedCheck(At.AddSeconds(60))]),
    };

    private static string UniqueEvent() => "01" + Guid.NewGuid().ToString("N")[..24].ToUpperInvariant();

    [Fact]
    public async Task An_inserted_enquiry_reads_back_whole_by_its_id_alone()
    {
        var enquiry = NewEnquiry(UniqueEvent());

        var inserted = await Store.InsertAsync(enquiry, default);
        var read = await Store.GetAsync(enquiry.Id, default);

        inserted!.ETag.Should().NotBeNullOrEmpty();
        read.Should().BeEquivalentTo(enquiry, o => o.Excluding(e => e.ETag));
        read!.ETag.Should().Be(inserted.ETag);
    }

    [Fact]
    public async Task Every_field_round_trips_through_the_row()
    {
        var enquiry = NewEnquiry(UniqueEvent()) with
        {
            StaffName = new StaffName("Aiko", "Tanaka"),
            Enquiry = NewEnquiry("x").Enquiry with
            {
                Id = EnquiryIds.For(Channel, UniqueEvent()),
                State = EnquiryState.Closed,
                StaffMemberId = "aiko@example.com",
                AcceptBy = null,
                AcceptedAt = At.AddSeconds(5),
                LastServedAt = At.AddSeconds(30),
                ClosedAt = At.AddMinutes(3),
                ClosedBy = EnquiryCloser.AutoClose,
            },
            Pending = new PendingEffects("close-1", [new SendAutoMessage(AutoMessageKind.Close, "aiko@example.com"), new TellDestinationClosed("desk"), new ScheduleAutoCloseCheck(At.AddHours(1))]),
        };

        await Store.InsertAsync(enquiry, default);

        (await Store.GetAsync(enquiry.Id, default)).Should().BeEquivalentTo(enquiry, o => o.Excluding(e => e.ETag));
    }

    [Fact]
    public async Task A_second_insert_of_the_same_enquiry_is_refused_and_changes_nothing()
    {
        var enquiry = NewEnquiry(UniqueEvent());
        await Store.InsertAsync(enquiry, default);

        (await Store.InsertAsync(enquiry with { Enquiry = enquiry.Enquiry with { DestinationId = "other" } }, default)).Should().BeNull();
        (await Store.GetAsync(enquiry.Id, default))!.Enquiry.DestinationId.Should().Be("desk");
    }

    [Theory]
    [InlineData("")]
    [InlineData("shop")]
    [InlineData("shop.0123")]
    [InlineData("shop.0123456789abcdef0123456X")]
    [InlineData("no/such.0123456789abcdef01234567")]
    public async Task An_id_that_is_no_enquiry_id_finds_nothing(string id)
    {
        (await Store.GetAsync(id, default)).Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_enquiry_is_null()
    {
        (await Store.GetAsync(EnquiryIds.For(Channel, UniqueEvent()), default)).Should().BeNull();
        (await Store.UpdateAsync(EnquiryIds.For(Channel, UniqueEvent()), e => e, default)).Should().BeNull();
    }

    [Fact]
    public async Task An_update_reapplies_its_change_after_a_concurrent_write()
    {
        var enquiry = (await Store.InsertAsync(NewEnquiry(UniqueEvent()), default))!;
        var calls = 0;

        var updated = await Store.UpdateAsync(enquiry.Id, current =>
        {
            if (++calls == 1)
            {
                // Another writer gets in between this read and this write.
                Store.UpdateAsync(enquiry.Id, e => e with { StaffName = new StaffName("Kenji") }, default).GetAwaiter().GetResult();
            }

            return current with { Enquiry = current.Enquiry with { State = EnquiryState.Ongoing } };
        }, default);

        calls.Should().Be(2);
        updated!.Enquiry.State.Should().Be(EnquiryState.Ongoing);
        updated.StaffName.Should().Be(new StaffName("Kenji"), "the change was applied to the enquiry as the other writer left it");
        (await Store.GetAsync(enquiry.Id, default)).Should().BeEquivalentTo(updated);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var enquiry = (await Store.InsertAsync(NewEnquiry(UniqueEvent()), default))!;

        var same = await Store.UpdateAsync(enquiry.Id, _ => null, default);

        same!.ETag.Should().Be(enquiry.ETag);
    }

    [Fact]
    public async Task An_update_gives_up_when_the_enquiry_keeps_changing()
    {
        var enquiry = (await Store.InsertAsync(NewEnquiry(UniqueEvent()), default))!;

        var update = () => Store.UpdateAsync(enquiry.Id, current =>
        {
            Tables.ReplaceAsync(EnquiryTables.Enquiries, new TableRow(Channel, enquiry.Id, EnquiryRow(current), null), "*", default).GetAwaiter().GetResult();
            return current with { StaffName = new StaffName("Never") };
        }, default);

        (await update.Should().ThrowAsync<EnquiryChangedException>()).Which.EnquiryId.Should().Be(enquiry.Id);
    }

    [Fact]
    public async Task A_source_keeps_its_current_enquiry_and_last_service()
    {
        var source = "U" + Guid.NewGuid().ToString("N");
        (await Store.GetSourceAsync(Channel, source, default)).Should().BeNull();

        var record = new SourceRecord(Channel, source, "shop.0123456789abcdef01234567", new LastService("desk", "aiko", At));
        await Store.SaveSourceAsync(record, default);
        await Store.SaveSourceAsync(record with { CurrentEnquiryId = "shop.76543210fedcba9876543210" }, default);

        (await Store.GetSourceAsync(Channel, source, default)).Should().BeEquivalentTo(
            record with { CurrentEnquiryId = "shop.76543210fedcba9876543210" }, o => o.Excluding(s => s.ETag));
    }

    [Fact]
    public async Task A_processed_cause_is_recorded_once_and_the_first_record_stays()
    {
        var cause = UniqueEvent();
        (await Store.FindProcessedAsync(Channel, cause, default)).Should().BeNull();

        var first = new ProcessedCause(Channel, cause, "shop.0123456789abcdef01234567", "message", "opened", "Source U1 has no enquiry.", At);
        await Store.RecordProcessedAsync(first, default);
        await Store.RecordProcessedAsync(first with { Outcome = "ignored" }, default);

        (await Store.FindProcessedAsync(Channel, cause, default)).Should().Be(first);
    }

    [Fact]
    public async Task Presence_defaults_to_a_present_destination_without_available_staff()
    {
        var channel = "p" + Guid.NewGuid().ToString("N")[..8];
        var presence = new PresenceStore(Tables, new TestClock(At));

        (await presence.GetAsync(channel, default)).Should().BeEmpty();

        await presence.SetAsync(channel, new PresenceUpdate("desk", null, [new StaffPresence("aiko", true), new StaffPresence("kenji", true)]), default);
        await presence.SetAsync(channel, new PresenceUpdate("desk", null, [new StaffPresence("kenji", false)]), default);
        await presence.SetAsync(channel, new PresenceUpdate("bot", false, []), default);

        var read = await presence.GetAsync(channel, default);
        read.Keys.Should().BeEquivalentTo(["desk", "bot"]);
        read["desk"].Present.Should().BeTrue();
        read["desk"].AvailableStaff.Should().BeEquivalentTo(["aiko"]);
        read["bot"].Present.Should().BeFalse();
        read["bot"].AvailableStaff.Should().BeEmpty();
    }

    [Fact]
    public async Task A_hand_edited_state_that_is_no_state_names_the_row_and_property()
    {
        var enquiry = (await Store.InsertAsync(NewEnquiry(UniqueEvent()), default))!;
        var row = EnquiryRow(enquiry);
        row["State"] = "pending";
        await Tables.ReplaceAsync(EnquiryTables.Enquiries, new TableRow(Channel, enquiry.Id, row), "*", default);

        var read = () => Store.GetAsync(enquiry.Id, default);

        (await read.Should().ThrowAsync<EnquiryRowException>()).Which.Message
            .Should().Be($"Table Enquiries, partition 'shop', row '{enquiry.Id}', property State: must be open, ongoing, missed or closed (got 'pending')");
    }

    private Dictionary<string, object?> EnquiryRow(StoredEnquiry enquiry)
    {
        var row = Tables.GetAsync(EnquiryTables.Enquiries, Channel, enquiry.Id, default).GetAwaiter().GetResult()!;
        return row.Properties.ToDictionary(p => p.Key, p => p.Value);
    }

    [Fact]
    public async Task Recording_content_again_keeps_the_first_record()
    {
        var messageId = "6" + Guid.NewGuid().ToString("N")[..12];
        var first = new InboundContent(Channel, messageId, EnquiryIds.For(Channel, UniqueEvent()), "image");

        await Store.RecordContentAsync(first, default);
        await Store.RecordContentAsync(first, default);
        await Store.RecordContentAsync(first with { EnquiryId = EnquiryIds.For(Channel, UniqueEvent()), Kind = "video" }, default);

        (await Store.GetContentAsync(Channel, messageId, default)).Should().Be(first);
        (await Store.GetContentAsync(Channel, messageId + "0", default)).Should().BeNull();
    }
}

public sealed class InMemoryEnquiryStoreTests : EnquiryStoreTests
{
    protected override ITableStore Tables { get; } = new InMemoryTableStore();
}

public sealed class AzuriteEnquiryStoreTests : EnquiryStoreTests
{
    protected override ITableStore Tables { get; } = AzuriteTableStoreTests.CreateStore();
}

public sealed class SqliteEnquiryStoreTests : EnquiryStoreTests, IDisposable
{
    private readonly Functions.LocalMode.LocalDatabase _database = Functions.LocalMode.LocalDatabase.Open(Functions.LocalMode.LocalStoreOptions.InMemory);

    public SqliteEnquiryStoreTests()
    {
        Tables = new Functions.LocalMode.SqliteTableStore(_database, TimeProvider.System);
    }

    protected override ITableStore Tables { get; }

    public void Dispose() => _database.Dispose();
}
