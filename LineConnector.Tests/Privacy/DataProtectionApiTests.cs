using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Privacy;
using LineConnector.Core.Storage;
using LineConnector.Tests.Channels;
using LineConnector.Tests.Enquiries;
using Microsoft.Extensions.DependencyInjection;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Privacy;

/// <summary>Data protection through the app: the erase route, the retention function, the content switch and the settings.</summary>
public sealed class DataProtectionApiTests
{
    [Fact]
    public async Task The_erase_route_deletes_what_a_users_conversation_left_and_answers_the_counts()
    {
        await using var world = await EnquiryWorld.StartAsync();
        await world.PostWebhookAsync(Text(User(1), "01ERASEAPI00000000000001", "Hello"), Text(User(1), "01ERASEAPI00000000000002", "Again"));
        await world.PostWebhookAsync(Text(User(2), "01ERASEAPI00000000000003", "Other user"));

        var response = await world.Client.DeleteAsync($"/api/manage/channels/{EnquiryWorld.Channel}/users/{User(1)}");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var erased = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        erased.GetProperty("user").GetString().Should().Be(User(1), "the channel does not mask logging");
        var deleted = erased.GetProperty("deleted");
        (deleted.GetProperty("sources").GetInt32(), deleted.GetProperty("enquiries").GetInt32(), deleted.GetProperty("events").GetInt32())
            .Should().Be((1, 1, 2));
        deleted.GetProperty("outboundMessages").GetInt32().Should().Be(2, "the welcome message sent to the user: its record and the claim of the reply token it used");
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Which.Properties[EnquiryProperties.SourceId].Should().Be(User(2));
        (await world.RowsAsync(Events)).Should().ContainSingle();
    }

    [Theory]
    [InlineData("U123", HttpStatusCode.BadRequest)]
    [InlineData("Uffffffffffffffffffffffffffffffff", HttpStatusCode.OK)]
    public async Task The_erase_route_checks_the_user_id(string userId, HttpStatusCode status)
    {
        await using var world = await EnquiryWorld.StartAsync();

        var response = await world.Client.DeleteAsync($"/api/manage/channels/{EnquiryWorld.Channel}/users/{userId}");

        response.StatusCode.Should().Be(status);
        (await world.Client.DeleteAsync($"/api/manage/channels/nobody/users/{User(1)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_retention_function_answers_the_host_and_sweeps()
    {
        await using var world = await EnquiryWorld.StartAsync(new Dictionary<string, string?> { [$"Channels:{EnquiryWorld.Channel}:RetentionDays"] = "1" });
        await world.PostWebhookAsync(Text(User(3), "01RETAIN0000000000000001", "Hello"));

        var response = await world.Client.PostAsync("/DataRetention", new StringContent("""{"Data":{"timer":{"IsPastDue":false}},"Metadata":{}}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"Outputs\"");
        (await world.RowsAsync(Events)).Should().ContainSingle("today's record is younger than a day");
        world.App.Logs.AllText.Should().Contain($"Retention of channel {EnquiryWorld.Channel}: deleted 0 closed enquiries, 0 event records");
    }

    [Fact]
    public async Task With_conversation_content_off_the_transformer_storage_is_not_kept()
    {
        await using var world = await EnquiryWorld.StartAsync(new Dictionary<string, string?>
        {
            [$"Channels:{EnquiryWorld.Channel}:StoreConversationContent"] = "false",
            [$"Channels:{EnquiryWorld.Channel}:TransformerCode"] = "function handleInput(e, c) { c.storage.last = e.message.text; return e; }",
            [$"Channels:{EnquiryWorld.Channel}:TransformerInputEnabled"] = "true",
        });

        await world.PostWebhookAsync(Text(User(4), "01CONTENT000000000000001", "Private words"));

        world.Received("desk").Should().ContainSingle();
        (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Which.Properties.Should().NotContainKey(EnquiryProperties.TransformerStorage);
    }

    [Fact]
    public async Task Settings_have_their_defaults_are_checked_and_read_back_from_the_channel_row()
    {
        var defaults = new DataProtectionSettings();
        (defaults.MaskSensitiveLogging, defaults.StoreConversationContent, defaults.RetentionDays).Should().Be((false, true, (int?)null));
        ChannelValidation.Validate(ChannelSamples.Settings("desk") with { DataProtection = new DataProtectionSettings { RetentionDays = 0 } })
            .Should().Equal(new FieldError("dataProtection.retentionDays", "1 to 3,650 days, or null to keep everything (got 0)"));

        var store = new InMemoryTableStore();
        var repository = new ChannelRepository(store);
        var settings = ChannelSamples.Settings("desk") with { DataProtection = new DataProtectionSettings { MaskSensitiveLogging = true, StoreConversationContent = false, RetentionDays = 90 } };
        await repository.CreateAsync(new Core.Channels.Channel("acme", ChannelStatus.Active, settings, null, null), default);

        (await repository.GetAsync("acme", default))!.Channel.Settings.DataProtection.Should().Be(settings.DataProtection);
        var row = await store.GetAsync(ChannelTables.Channels, ChannelTables.ChannelPartition, "acme", default);
        (row!.Properties["MaskSensitiveLogging"], row.Properties["StoreConversationContent"], row.Properties["RetentionDays"]).Should().Be((true, false, 90));
    }

    [Fact]
    public void The_keyed_hash_is_stable_per_key_and_differs_between_keys()
    {
        var a = new UserIdHasher(System.Text.Encoding.UTF8.GetBytes("first-key-0123456789"));
        var b = new UserIdHasher(System.Text.Encoding.UTF8.GetBytes("second-key-0123456789"));

        a.Hash(User(1)).Should().Be(a.Hash(User(1))).And.StartWith("user#").And.HaveLength("user#".Length + 16);
        a.Hash(User(1)).Should().NotBe(b.Hash(User(1))).And.NotBe(a.Hash(User(2)));
        a.Hash(Group(1)).Should().StartWith("group#");
        a.Mask($"session shop:{User(1)} and {Group(1)}").Should().Be($"session shop:{a.Hash(User(1))} and {a.Hash(Group(1))}");
        a.ToString().Should().NotContain("first-key");
        FluentActions.Invoking(() => new UserIdHasher(new byte[8])).Should().Throw<ArgumentException>();
    }
}
