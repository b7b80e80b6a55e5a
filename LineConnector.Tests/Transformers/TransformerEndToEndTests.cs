using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LineConnector.Cli;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Transformers;
using LineConnector.Tests.Enquiries;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Transformers;

/// <summary>Transformers in the app: the channel's code from its settings, the storage object kept with the enquiry, the test route and command.</summary>
public sealed class TransformerEndToEndTests
{
    private const string Code = """
        function handleInput(event, context) {
          context.storage.count = (context.storage.count || 0) + 1;
          if (event.message && event.message.text === 'spam') { return null; }
          if (event.message && event.message.text === 'boom') { throw new Error('boom'); }
          event.message.text = '#' + context.storage.count + ' ' + event.message.text;
          return event;
        }
        function handleOutput(messages, context) {
          if (messages[0].text === 'secret') { return false; }
          return messages.map(m => Object.assign({}, m, { text: m.text + ' [' + context.storage.count + ']' }));
        }
        """;

    private static Task<EnquiryWorld> StartAsync(bool abortOnError = false) => EnquiryWorld.StartAsync(new Dictionary<string, string?>
    {
        [$"Channels:{Channel}:TransformerCode"] = Code,
        [$"Channels:{Channel}:TransformerInputEnabled"] = "true",
        [$"Channels:{Channel}:TransformerInputAbortOnError"] = abortOnError ? "true" : "false",
        [$"Channels:{Channel}:TransformerOutputEnabled"] = "true",
    });

    private static string Reply(string text) => $$"""{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"text","text":"{{text}}"}]}""";

    [Fact]
    public async Task HandleInput_changes_what_the_destination_receives_and_its_storage_carries_across_two_events()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(1), "01TRANSFORM00000000000001", "Hello"));
        await world.PostWebhookAsync(Text(User(1), "01TRANSFORM00000000000002", "Again"));

        var texts = world.Received("desk").Select(r => r.Message.Event!.Value.GetProperty("message").GetProperty("text").GetString()).ToList();
        texts.Should().Equal("#1 Hello", "#2 Again");
        var enquiry = (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Subject;
        enquiry.Properties[EnquiryProperties.TransformerStorage].Should().Be("""{"count":2}""");
    }

    [Fact]
    public async Task A_dropped_event_is_recorded_as_dropped_by_the_transformer_and_reaches_nobody()
    {
        await using var world = await StartAsync();

        await world.PostWebhookAsync(Text(User(2), "01TRANSFORM00000000000003", "spam"));

        world.Destinations.Requests.Should().BeEmpty();
        world.Outbound().Should().BeEmpty("a dropped event opens no enquiry, so no welcome message");
        var record = (await world.RowsAsync(Events)).Should().ContainSingle().Subject;
        record.Properties[EnquiryProperties.Outcome].Should().Be(InboundProcessor.Dropped);
        record.Properties[EnquiryProperties.Detail].Should().BeOfType<string>().Which.Should().Contain("Dropped by the handleInput transformer (it returned a falsy value).");
    }

    [Fact]
    public async Task A_throw_without_abort_on_error_forwards_the_event_unchanged_and_records_the_failure()
    {
        await using var world = await StartAsync(abortOnError: false);

        await world.PostWebhookAsync(Text(User(3), "01TRANSFORM00000000000004", "boom"));

        world.Received("desk").Should().ContainSingle().Which.Message.Event!.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("boom");
        var record = (await world.RowsAsync(Events)).Should().ContainSingle().Subject;
        record.Properties[EnquiryProperties.Outcome].Should().Be(InboundProcessor.Opened);
        record.Properties[EnquiryProperties.Detail].Should().BeOfType<string>().Which.Should().Contain("The handleInput transformer failed (handleInput threw Error: boom");
    }

    [Fact]
    public async Task A_throw_with_abort_on_error_drops_the_event()
    {
        await using var world = await StartAsync(abortOnError: true);

        await world.PostWebhookAsync(Text(User(4), "01TRANSFORM00000000000005", "boom"));

        world.Destinations.Requests.Should().BeEmpty();
        var record = (await world.RowsAsync(Events)).Should().ContainSingle().Subject;
        record.Properties[EnquiryProperties.Outcome].Should().Be(InboundProcessor.Dropped);
        record.Properties[EnquiryProperties.Detail].Should().BeOfType<string>().Which.Should().Contain("aborts on error: handleInput threw Error: boom");
    }

    [Fact]
    public async Task HandleOutput_changes_a_reply_with_the_enquirys_storage_or_drops_it()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(5), "01TRANSFORM00000000000006", "Hello"));
        var enquiryId = world.Received("desk").Single().Message.Enquiry.Id;

        var changed = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply("It ships today."));
        changed.StatusCode.Should().Be(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
        await world.IdleAsync();
        Texts(world.Outbound().Last()).Should().Equal("It ships today. [1]");

        var dropped = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, Reply("secret"));
        dropped.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = (await dropped.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.ReplyAccepted))!;
        accepted.Dropped.Should().BeTrue();
        accepted.Note.Should().Be("Dropped by the handleOutput transformer (it returned a falsy value).");
        await world.IdleAsync();
        world.Outbound().Should().HaveCount(2, "the welcome and the changed reply; the dropped one is not queued");
    }

    [Fact]
    public async Task The_test_route_runs_a_function_on_a_sample_and_answers_output_storage_and_console()
    {
        await using var world = await StartAsync();

        var response = await world.Client.PostAsync($"/api/manage/channels/{Channel}/transformers/test", new StringContent(
            """{"hook":"input","input":{"type":"message","message":{"type":"text","text":"Hi"}},"storage":{"count":4}}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync(TransformerJsonContext.Default.TransformerTestResource))!;
        result.Outcome.Should().Be("returned");
        result.Output!.Value.GetProperty("message").GetProperty("text").GetString().Should().Be("#5 Hi");
        result.Storage!.Value.GetRawText().Should().Be("""{"count":5}""");

        var tried = await world.Client.PostAsync($"/api/manage/channels/{Channel}/transformers/test", new StringContent(
            """{"hook":"output","input":[{"type":"text","text":"x"}],"code":"function handleOutput(m) { console.log('saw', m.length); return m; }"}""", System.Text.Encoding.UTF8, "application/json"));
        var triedResult = (await tried.Content.ReadFromJsonAsync(TransformerJsonContext.Default.TransformerTestResource))!;
        triedResult.Console.Should().Equal("log: saw 1");
        triedResult.Outcome.Should().Be("returned");
    }

    [Fact]
    public async Task The_test_route_refuses_what_it_cannot_run_naming_each_field()
    {
        await using var world = await StartAsync();

        var response = await world.Client.PostAsync($"/api/manage/channels/{Channel}/transformers/test", new StringContent(
            """{"hook":"sideways","code":"function handleInput( {"}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        problem.GetProperty("hook")[0].GetString().Should().Be("required: input, output, notify or inject");
        problem.GetProperty("input")[0].GetString().Should().StartWith("required");
        problem.GetProperty("code")[0].GetString().Should().StartWith("does not parse");
    }

    [Fact]
    public async Task Line_connector_transformers_test_prints_the_output_storage_and_console()
    {
        await using var world = await StartAsync();
        using var folder = new Support.TemporaryFolder();
        var sample = Path.Combine(folder.Path, "event.json");
        await File.WriteAllTextAsync(sample, """{"type":"message","message":{"type":"text","text":"Hi"}}""");
        var code = Path.Combine(folder.Path, "t.js");
        await File.WriteAllTextAsync(code, "function handleInput(e, c) { console.info('in', e.message.text); c.storage.seen = true; return e; }");
        var root = new RootCommand { TransformerCommands.Create(() => world.App.Server.CreateHandler()) };
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await root.Parse(["transformers", "test", Channel, "--hook", "input", "--input", sample, "--code", code, "--url", "http://localhost"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        exit.Should().Be(0, error.ToString());
        output.ToString().Should().Contain("outcome  returned").And.Contain("storage  {\"seen\":true}").And.Contain("console  info: in Hi")
            .And.Contain("output   {\"type\":\"message\",\"message\":{\"type\":\"text\",\"text\":\"Hi\"}}");
    }

    [Fact]
    public async Task HandleInject_changes_or_drops_an_injected_input_and_handleInput_does_not_run_on_it()
    {
        await using var world = await EnquiryWorld.StartAsync(new Dictionary<string, string?>
        {
            [$"Channels:{Channel}:TransformerCode"] = Code + """
                function handleInject(input, context) {
                  context.storage.injected = (context.storage.injected || 0) + 1;
                  if (input.text === 'drop me') { return null; }
                  return { text: input.text.toUpperCase() };
                }
                """,
            [$"Channels:{Channel}:TransformerInputEnabled"] = "true",
            [$"Channels:{Channel}:TransformerInjectEnabled"] = "true",
        });
        await world.PostWebhookAsync(Text(User(6), "01TRANSFORM00000000000007", "Hello"));
        var id = EnquiryIds.For(Channel, User(6), "01TRANSFORM00000000000007");

        var changed = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/inject", DeskSecret, """{"text":"order 1234"}""");
        changed.StatusCode.Should().Be(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
        (await changed.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.InjectAccepted))!.Note.Should().Be("The handleInject transformer ran.");
        var dropped = await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{id}/inject", DeskSecret, """{"text":"drop me"}""");
        var droppedAnswer = (await dropped.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.InjectAccepted))!;
        await world.IdleAsync();

        droppedAnswer.Dropped.Should().BeTrue();
        droppedAnswer.Note.Should().Be("Dropped by the handleInject transformer (it returned a falsy value).");
        var texts = world.Received("desk").Where(r => r.Message.Kind == "event").Select(r => r.Message.Event!.Value.GetProperty("message").GetProperty("text").GetString()).ToList();
        texts.Should().Equal(["#1 Hello", "ORDER 1234"], "handleInput changed the user's event, handleInject the injected one; the dropped input went nowhere");
        var enquiry = (await world.RowsAsync(EnquiryWorld.Enquiries)).Should().ContainSingle().Subject;
        enquiry.Properties[EnquiryProperties.TransformerStorage].Should().Be("""{"count":1,"injected":2}""");
    }

    [Fact]
    public async Task HandleNotify_changes_or_drops_a_notification_before_it_is_sent()
    {
        await using var world = await EnquiryWorld.StartAsync(new Dictionary<string, string?>
        {
            [$"Channels:{Channel}:TransformerCode"] = Code + """
                function handleNotify(request, context) {
                  if (request.messages[0].text === 'drop me') { return null; }
                  request.messages[0].text = request.messages[0].text + ' (sent by Acme)';
                  return request;
                }
                """,
            [$"Channels:{Channel}:TransformerNotifyEnabled"] = "true",
        });
        const string notify = $"/api/channels/{Channel}/notify";

        var changed = await world.CallAsync(HttpMethod.Post, notify, DeskSecret, $$"""{"to":"{{User(7)}}","messages":[{"type":"text","text":"Your order has shipped"}]}""");
        changed.StatusCode.Should().Be(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
        var changedAnswer = (await changed.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.NotifyAccepted))!;
        var dropped = await world.CallAsync(HttpMethod.Post, notify, DeskSecret, $$"""{"to":"{{User(7)}}","messages":[{"type":"text","text":"drop me"}]}""");
        dropped.StatusCode.Should().Be(HttpStatusCode.Accepted, await dropped.Content.ReadAsStringAsync());
        var droppedAnswer = (await dropped.Content.ReadFromJsonAsync(EnquiryApiJsonContext.Default.NotifyAccepted))!;
        await world.IdleAsync();

        changedAnswer.Note.Should().Be("The handleNotify transformer ran.");
        changedAnswer.Dropped.Should().BeFalse();
        droppedAnswer.Dropped.Should().BeTrue();
        droppedAnswer.Note.Should().Be("Dropped by the handleNotify transformer (it returned a falsy value).");
        var pushes = world.Line.Requests.Where(r => r.Method == "POST" && r.Path == "/v2/bot/message/push").ToList();
        pushes.Should().ContainSingle("the dropped notification is not sent");
        pushes[0].Json.GetProperty("messages")[0].GetProperty("text").GetString().Should().Be("Your order has shipped (sent by Acme)");
    }
}
