using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LineConnector.Tests.Console;

/// <summary>
/// The first minute of a newcomer: the sample's demo channel, a LINE user in the playground, the built-in
/// staff desk, and back: every hop over HTTP as in production (signed webhook, queues, signed destination
/// call, enquiry API, LINE's API stand-in).
/// </summary>
[Collection(ConsoleSession.Collection)]
public sealed class PlaygroundLoopTests(ConsoleSession session)
{
    [Fact]
    public async Task A_message_from_the_playground_reaches_the_staff_desk_and_the_staff_answer_comes_back_with_the_staff_name()
    {
        var playground = await session.NewPageAsync();
        await playground.GotoAsync(session.ConsoleUrl + "#/playground/demo");
        await Expect(playground.GetByRole(AriaRole.Heading, new() { Name = "LINE playground" })).ToBeVisibleAsync();
        await playground.GetByLabel("Act as").SelectOptionAsync(new SelectOptionValue { Label = "Ben Carter" });
        await playground.GetByLabel("Message").FillAsync("Is my order 4711 on its way?");
        await playground.GetByLabel("Message").PressAsync("Enter");

        var chat = playground.GetByRole(AriaRole.Log, new() { Name = "Chat" });
        await Expect(chat.GetByText("Is my order 4711 on its way?")).ToBeVisibleAsync();
        // The channel's welcome message, sent with the event's reply token.
        await Expect(chat.GetByText("Thank you for your message.", new() { Exact = false })).ToBeVisibleAsync();

        var desk = await session.NewPageAsync();
        await desk.GotoAsync(session.ConsoleUrl + "#/desk");
        var enquiry = desk.GetByRole(AriaRole.Region).Filter(new() { HasText = "Is my order 4711 on its way?" });
        await Expect(enquiry).ToBeVisibleAsync();
        (await Accessibility.UnlabelledControlsAsync(desk)).Should().BeEmpty();
        await desk.GetByLabel("Your first name").FillAsync("Mika");
        await enquiry.GetByLabel(new System.Text.RegularExpressions.Regex("^Reply to enquiry")).FillAsync("It left the warehouse this morning.");
        await enquiry.GetByLabel("Quick replies (comma separated, optional)").FillAsync("Thanks!, Track it");
        await enquiry.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(enquiry.GetByText("Mika: It left the warehouse this morning.")).ToBeVisibleAsync();
        await ConsoleSession.ScreenshotAsync(desk, "desk");

        var answer = chat.Locator(".bubble.out").Filter(new() { HasText = "It left the warehouse this morning." });
        await Expect(answer).ToBeVisibleAsync();
        // The demo channel shows staff by first name: LINE's sender.name is "Mika".
        await Expect(answer.Locator(".sender")).ToContainTextAsync("Mika");
        await Expect(answer.GetByRole(AriaRole.Button, new() { Name = "Track it" })).ToBeVisibleAsync();
        (await Accessibility.UnlabelledControlsAsync(playground)).Should().BeEmpty();
        await ConsoleSession.ScreenshotAsync(playground, "playground");

        // A quick reply is a message like any other.
        await answer.GetByRole(AriaRole.Button, new() { Name = "Thanks!" }).ClickAsync();
        await Expect(desk.GetByText("→ Thanks!", new() { Exact = false })).ToBeVisibleAsync();
    }
}
