using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Outbound;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Enquiries;

/// <summary>The enquiry and presence stores, run against the in-memory store and a real Azurite.</summary>
public abstract class EnquiryStoreTests
{
    private const string Channel = "shop";
    private const string User = "U0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    protected abstract ITableStore Tables { get; }

    private EnquiryStore Store => new(Tables);

    private static StoredEnquiry NewEnquiry(string eventId, string user = User) => new()
    {
        ChannelId = Channel,
        SourceType = "user",
        OpenedByEventId = eventId,
        Enquiry = new Enquiry
        {
            Id = EnquiryIds.For(Channel, user, eventId),
            SourceId = user,
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

    private static string UniqueUser() => "U" + Guid.NewGuid().ToString("N");

    private Task<StoredEnquiry?> InsertAsync(StoredEnquiry enquiry) => Store.WriteAsync(new EnquiryWrite(enquiry), null, default);

    [Fact]
    public async Task An_inserted_enquiry_reads_back_whole_by_its_id_alone()
    {
        var enquiry = NewEnquiry(UniqueEvent());

        var inserted = await InsertAsync(enquiry);
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
                Id = EnquiryIds.For(Channel, User, UniqueEvent()),
                State = EnquiryState.Closed,
                StaffMemberId = "aiko@example.com",
                AcceptBy = null,
                AcceptedAt = At.AddSeconds(5),
                LastServedAt = At.AddSeconds(30),
                ClosedAt = At.AddMinutes(3),
                ClosedBy = EnquiryCloser.AutoClose,
                KeptEvents = 3,
                OfferAt = At.AddMinutes(4),
                Offers = 2,
            },
            FirstKept = 7,
            Pending = new PendingEffects("close-1", [new SendAutoMessage(AutoMessageKind.Close, "aiko@example.com"), new TellDestinationClosed("desk"), new ScheduleAutoCloseCheck(At.AddHours(1))]),
        };

        await InsertAsync(enquiry);

        (await Store.GetAsync(enquiry.Id, default)).Should().BeEquivalentTo(enquiry, o => o.Excluding(e => e.ETag));
    }

    [Fact]
    public async Task A_second_insert_of_the_same_enquiry_is_refused_and_changes_nothing()
    {
        var enquiry = NewEnquiry(UniqueEvent());
        await InsertAsync(enquiry);

        (await InsertAsync(enquiry with { Enquiry = enquiry.Enquiry with { DestinationId = "other" } })).Should().BeNull();
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
        var unknown = NewEnquiry(UniqueEvent()) with { ETag = "W/\"1\"" };

        (await Store.GetAsync(unknown.Id, default)).Should().BeNull();
        (await Store.UpdateAsync(unknown, e => new EnquiryWrite(e), default)).Should().BeNull();
    }

    [Fact]
    public async Task An_update_reapplies_its_change_after_a_concurrent_write()
    {
        var enquiry = (await InsertAsync(NewEnquiry(UniqueEvent())))!;
        var calls = 0;

        var updated = await Store.UpdateAsync(enquiry, current =>
        {
            if (++calls == 1)
            {
                // Another writer gets in between this read and this write.
                Store.UpdateAsync(enquiry, e => new EnquiryWrite(e with { StaffName = new StaffName("Kenji") }), default).GetAwaiter().GetResult();
            }

            return new EnquiryWrite(current with { Enquiry = current.Enquiry with { State = EnquiryState.Ongoing } });
        }, default);

        calls.Should().Be(2);
        updated!.Enquiry.State.Should().Be(EnquiryState.Ongoing);
        updated.StaffName.Should().Be(new StaffName("Kenji"), "the change was applied to the enquiry as the other writer left it");
        (await Store.GetAsync(enquiry.Id, default)).Should().BeEquivalentTo(updated);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var enquiry = (await InsertAsync(NewEnquiry(UniqueEvent())))!;

        var same = await Store.UpdateAsync(enquiry, _ => null, default);

        same!.ETag.Should().Be(enquiry.ETag);
    }

    [Fact]
    public async Task An_update_gives_up_when_the_enquiry_keeps_changing()
    {
        var enquiry = (await InsertAsync(NewEnquiry(UniqueEvent())))!;

        var update = () => Store.UpdateAsync(enquiry, current =>
        {
            var row = EnquiryRow(current);
            Tables.ReplaceAsync(EnquiryTables.Conversations, row with { ETag = null }, "*", default).GetAwaiter().GetResult();
            return new EnquiryWrite(current with { StaffName = new StaffName("Never") });
        }, default);

        (await update.Should().ThrowAsync<EnquiryChangedException>()).Which.EnquiryId.Should().Be(enquiry.Id);
    }

    [Fact]
    public async Task A_source_keeps_its_current_enquiry_and_last_service()
    {
        var source = UniqueUser();
        (await Store.GetSourceAsync(Channel, source, default)).Should().BeNull();
        var first = NewEnquiry(UniqueEvent(), source);
        var second = NewEnquiry(UniqueEvent(), source);

        var record = new SourceRecord(Channel, source, first.Id, new LastService("desk", "aiko", At));
        await Store.WriteAsync(new EnquiryWrite(first) { Source = record }, null, default);
        await Store.WriteAsync(new EnquiryWrite(second) { Source = record with { CurrentEnquiryId = second.Id } }, null, default);

        (await Store.GetSourceAsync(Channel, source, default)).Should().BeEquivalentTo(record with { CurrentEnquiryId = second.Id }, o => o.Excluding(s => s.ETag));
    }

    [Fact]
    public async Task A_processed_cause_is_recorded_once_and_the_first_record_stays_unless_replaced()
    {
        var cause = UniqueEvent();
        var enquiry = NewEnquiry(cause);
        (await Store.FindProcessedAsync(Channel, User, cause, default)).Should().BeNull();

        var first = new ProcessedCause(Channel, cause, enquiry.Id, "message", "opened", "Source U1 has no enquiry.", At);
        (await Store.RecordAsync(first, User, once: true, default)).Should().BeTrue();
        (await Store.RecordAsync(first with { Outcome = "ignored" }, User, once: true, default)).Should().BeFalse();

        (await Store.FindProcessedAsync(Channel, User, cause, default)).Should().Be(first);
        (await Store.FindProcessedAsync(Channel, UniqueUser(), cause, default)).Should().BeNull("a message is recorded in its conversation");

        await Store.RecordAsync(first with { Outcome = "rejected" }, User, once: false, default);
        (await Store.FindProcessedAsync(Channel, User, cause, default))!.Outcome.Should().Be("rejected");
    }

    [Theory]
    [InlineData("01/with/slashes")]
    [InlineData("01#?\\")]
    [InlineData("01\u0001control")]
    public async Task A_message_id_that_cannot_be_a_key_is_recorded_under_its_hash(string cause)
    {
        var record = new ProcessedCause(Channel, cause, null, "message", "rejected", "Bad id.", At);

        (await Store.RecordAsync(record, User, once: true, default)).Should().BeTrue();

        (await Store.FindProcessedAsync(Channel, User, cause, default)).Should().Be(record);
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
        var enquiry = (await InsertAsync(NewEnquiry(UniqueEvent())))!;
        var row = EnquiryRow(enquiry);
        var properties = row.Properties.ToDictionary(p => p.Key, p => p.Value);
        properties["State"] = "pending";
        await Tables.ReplaceAsync(EnquiryTables.Conversations, row with { Properties = properties, ETag = null }, "*", default);

        var read = () => Store.GetAsync(enquiry.Id, default);

        (await read.Should().ThrowAsync<EnquiryRowException>()).Which.Message
            .Should().Be($"Table Conversations, partition '{row.PartitionKey}', row 'enquiry:{enquiry.Id}', property State: must be open, ongoing, missed or closed (got 'pending')");
    }

    private TableRow EnquiryRow(StoredEnquiry enquiry)
    {
        EnquiryIds.TryParse(enquiry.Id, out _, out var partition).Should().BeTrue();
        return Tables.GetAsync(EnquiryTables.Conversations, partition!, EnquiryTables.EnquiryRow(enquiry.Id), default).GetAwaiter().GetResult()!;
    }

    [Fact]
    public async Task A_conversation_is_one_partition_of_its_channel_and_the_enquiry_id_names_it()
    {
        var enquiry = (await InsertAsync(NewEnquiry(UniqueEvent())))!;

        EnquiryRow(enquiry).PartitionKey.Should().Be(EnquiryTables.Partition(Channel, User)).And.MatchRegex("^shop:[0-9a-f]{2}$");
        enquiry.Id.Should().StartWith($"shop.{EnquiryTables.Bucket(User)}");
    }

    [Fact]
    public async Task Content_is_found_through_its_enquiry_only()
    {
        var messageId = "6" + Guid.NewGuid().ToString("N")[..12];
        var enquiry = NewEnquiry(UniqueEvent());
        var first = new InboundContent(Channel, messageId, enquiry.Id, "image");

        await Store.WriteAsync(new EnquiryWrite(enquiry) { Content = first }, null, default);
        var stored = (await Store.GetAsync(enquiry.Id, default))!;
        await Store.WriteAsync(new EnquiryWrite(stored) { Content = first }, stored.Enquiry, default);

        (await Store.GetContentAsync(stored, messageId, default)).Should().Be(first);
        (await Store.GetContentAsync(stored, messageId + "0", default)).Should().BeNull();
        (await Store.GetContentAsync(NewEnquiry(UniqueEvent(), UniqueUser()), messageId, default)).Should().BeNull("another conversation's enquiry does not see it");
    }

    [Fact]
    public async Task Kept_events_read_back_in_order_until_delivered()
    {
        var enquiry = NewEnquiry(UniqueEvent(), UniqueUser());
        var missed = enquiry with { Enquiry = enquiry.Enquiry with { State = EnquiryState.Missed, DestinationId = null, KeptEvents = 1 } };
        var stored = (await Store.WriteAsync(new EnquiryWrite(missed) { Keep = new KeptEvent(enquiry.Id, 0, "01A", """{"n":1}""") }, null, default))!;
        for (var n = 1; n < 12; n++)
        {
            var more = stored with { Enquiry = stored.Enquiry with { KeptEvents = n + 1 } };
            stored = (await Store.WriteAsync(new EnquiryWrite(more) { Keep = new KeptEvent(enquiry.Id, n, $"01K{n:D2}", $$"""{"n":{{n + 1}}}""") }, stored.Enquiry, default))!;
        }

        (await Store.GetKeptAsync(stored, default)).Select(k => k.Event).Should().Equal(Enumerable.Range(1, 12).Select(n => $$"""{"n":{{n}}}"""));

        // A destination got the first ten: they are no longer kept.
        var delivered = stored with { FirstKept = 10, Enquiry = stored.Enquiry with { KeptEvents = 2 } };
        stored = (await Store.WriteAsync(new EnquiryWrite(delivered) { Forget = Enumerable.Range(0, 10).Select(n => (long)n).ToList() }, stored.Enquiry, default))!;

        (await Store.GetKeptAsync(stored, default)).Select(k => (k.Number, k.EventId)).Should().Equal((10L, "01K10"), (11L, "01K11"));
        (await Store.GetKeptAsync(stored with { Enquiry = stored.Enquiry with { KeptEvents = 0 } }, default)).Should().BeEmpty();
    }

    [Fact]
    public async Task Conversations_of_the_earlier_tables_carry_over_as_they_are_used()
    {
        var channel = "c" + Guid.NewGuid().ToString("N")[..8];
        var user = UniqueUser();
        var earlierId = channel + "." + Guid.NewGuid().ToString("N")[..24];
        foreach (var table in new[] { "Enquiries", "EnquirySources", "EnquiryContent" })
        {
            await Tables.CreateTableIfNotExistsAsync(table, default);
        }

        // Rows as versions before the conversations table wrote them: one partition per channel.
        await Tables.InsertAsync("Enquiries", new TableRow(channel, earlierId, new Dictionary<string, object?>
        {
            ["SourceId"] = user, ["SourceType"] = "user", ["State"] = "ongoing", ["DestinationId"] = "desk", ["StaffMemberId"] = "aiko",
            ["OpenedAt"] = At, ["AcceptedAt"] = At, ["LastServedAt"] = At, ["LastActivityAt"] = At,
        }), default);
        await Tables.InsertAsync("EnquirySources", new TableRow(channel, user, new Dictionary<string, object?> { ["CurrentEnquiryId"] = earlierId }), default);
        await Tables.InsertAsync("EnquiryContent", new TableRow(channel, "600000000000000099", new Dictionary<string, object?> { ["EnquiryId"] = earlierId, ["Kind"] = "image" }), default);

        (await Store.GetSourceAsync(channel, user, default))!.CurrentEnquiryId.Should().Be(earlierId);
        var enquiry = (await Store.GetAsync(earlierId, default))!;
        enquiry.Should().Match<StoredEnquiry>(e => e.ChannelId == channel && e.Enquiry.SourceId == user && e.Enquiry.State == EnquiryState.Ongoing && e.Enquiry.DestinationId == "desk");
        (await Store.GetContentAsync(enquiry, "600000000000000099", default))!.EnquiryId.Should().Be(earlierId);

        // Now in the conversations table, in the source's partition: a change goes there, and the conversation reads it back without the earlier rows.
        var closed = await Store.UpdateAsync(enquiry, e => new EnquiryWrite(e with { Enquiry = e.Enquiry with { State = EnquiryState.Closed, ClosedAt = At } }), default);
        await Tables.DeleteAsync("EnquirySources", channel, user, "*", default);
        (await Store.GetSourceAsync(channel, user, default))!.CurrentEnquiryId.Should().Be(earlierId);
        (await Store.GetAsync(earlierId, user, default)).Should().BeEquivalentTo(closed);
        (await Store.GetAsync(earlierId, default)).Should().BeEquivalentTo(closed, "an id of the earlier form is found through the earlier row while it is there");
        await Tables.DeleteAsync("Enquiries", channel, earlierId, "*", default);
        (await Store.GetAsync(earlierId, user, default)).Should().BeEquivalentTo(closed);
    }

    [Fact]
    public async Task A_channels_enquiries_in_a_state_are_listed_from_all_its_partitions_and_no_other_channels()
    {
        var channel = "l" + Guid.NewGuid().ToString("N")[..8];
        var users = Enumerable.Range(0, 20).Select(_ => UniqueUser()).ToList();
        foreach (var (user, i) in users.Select((u, i) => (u, i)))
        {
            var id = EnquiryIds.For(channel, user, UniqueEvent());
            var enquiry = NewEnquiry("x", user) with { ChannelId = channel, Enquiry = NewEnquiry("x", user).Enquiry with { Id = id, State = i % 2 == 0 ? EnquiryState.Missed : EnquiryState.Open } };
            await InsertAsync(enquiry);
            await InsertAsync(enquiry with { ChannelId = channel + "x", Enquiry = enquiry.Enquiry with { Id = EnquiryIds.For(channel + "x", user, UniqueEvent()) } });
            await InsertAsync(enquiry with { ChannelId = channel + "-b", Enquiry = enquiry.Enquiry with { Id = EnquiryIds.For(channel + "-b", user, UniqueEvent()) } });
        }

        var missed = await Store.ListAsync(channel, EnquiryState.Missed, default).ToListAsync();

        missed.Select(e => e.Enquiry.SourceId).Should().BeEquivalentTo(users.Where((_, i) => i % 2 == 0));
        missed.Should().OnlyContain(e => e.ChannelId == channel);
        users.Select(EnquiryTables.Bucket).Distinct().Should().HaveCountGreaterThan(1, "the conversations spread over partitions");
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
