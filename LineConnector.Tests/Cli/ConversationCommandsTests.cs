using System.CommandLine;
using LineConnector.Cli;
using LineConnector.Core.Enquiries;
using LineConnector.Tests.Enquiries;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Cli;

/// <summary><c>line-connector enquiries ...</c> and <c>line-connector notify</c> against the app in local mode, with a destination server and a fake LINE.</summary>
public sealed class ConversationCommandsTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(EnquiryWorld world, params string[] args)
    {
        var root = new RootCommand { EnquiryCommands.Create(() => world.App.Server.CreateHandler()), NotifyCommand.Create(() => world.App.Server.CreateHandler()) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse([.. args, "--url", "http://localhost"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        await world.IdleAsync();
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_operator_hands_back_hands_over_and_closes_an_enquiry_and_each_move_is_recorded_as_theirs()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(Text(User(1), "01CLI00000000000000000001"));
        var id = EnquiryIds.For(Channel, User(1), "01CLI00000000000000000001");

        var back = await RunAsync(world, "enquiries", "handback", id, "--to", "backup", "--reason", "the bot can answer this");
        back.Error.Should().BeEmpty();
        back.Exit.Should().Be(0);
        back.Output.Should().StartWith($"handed-back: enquiry {id} is ongoing, with backup").And.Contain("why:");
        world.Received("backup").Select(r => r.Message.Kind).Should().Contain("handback");

        var over = await RunAsync(world, "enquiries", "handover", id, "--note", "VIP customer");
        over.Exit.Should().Be(0);
        over.Output.Should().StartWith($"handed-over: enquiry {id} is open, with desk");
        world.Received("desk").Select(r => r.Message).Should().Contain(m => m.Kind == "handover" && m.Move!.Note == "VIP customer" && m.Move.By == EnquiryMove.Operator);

        var wrong = await RunAsync(world, "enquiries", "handover", id);
        wrong.Exit.Should().Be(1);
        wrong.Error.Should().Contain("HTTP 409").And.Contain("a staff destination");

        var close = await RunAsync(world, "enquiries", "close", id);
        close.Exit.Should().Be(0);
        close.Output.Should().Contain($"enquiry {id} is closed");
        (await world.EnquiryAsync(id)).Moves.Select(m => (m.Kind, m.By)).Should().Equal((MoveKind.Handback, EnquiryMove.Operator), (MoveKind.Handover, EnquiryMove.Operator));
    }

    [Fact]
    public async Task Notify_pushes_the_texts_in_order_to_the_user()
    {
        await using var world = await StartAsync();

        var (exit, output, error) = await RunAsync(world, "notify", "--channel", Channel, "--to", User(2), "--text", "Your order has shipped", "--text", "Track it in the app", "--idempotency-key", "ship-2");

        error.Should().BeEmpty();
        exit.Should().Be(0);
        output.Should().StartWith("queued notify-").And.Contain("for 1 recipient(s)");
        var push = world.Line.Requests.Should().ContainSingle(r => r.Path == "/v2/bot/message/push").Subject;
        push.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Should().Equal("Your order has shipped", "Track it in the app");
    }
}
