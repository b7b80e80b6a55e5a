using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LineConnector.Tests.Console;

/// <summary>Settings with live limits and the message preview; routing with the what-if explorer; enquiries by state.</summary>
[Collection(ConsoleSession.Collection)]
public sealed class SettingsAndRoutingScreenTests(ConsoleSession session)
{
    [Fact]
    public async Task Settings_show_their_limits_as_you_type_and_preview_the_messages_with_the_staff_name_format()
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/settings/demo");
        await Expect(page.GetByLabel("Channel name")).ToHaveValueAsync("Demo");
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();

        await page.GetByLabel("Channel name").FillAsync(new string('x', 41));
        await Expect(page.GetByText("The channel name can be up to 40 characters.")).ToBeVisibleAsync();
        await page.GetByLabel("Custom info").FillAsync(new string('i', 10_001));
        await Expect(page.GetByText("10,001 / 10,000")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByText("Fix the fields over their limit first.")).ToBeVisibleAsync();
        await ConsoleSession.ScreenshotAsync(page, "settings-limits");

        await page.GetByLabel("Channel name").FillAsync("Demo");
        await page.GetByLabel("Custom info").FillAsync("Ask for the order number first.");
        await page.GetByLabel("Staff display name format").SelectOptionAsync("first-last");
        await page.GetByLabel("Welcome message text").FillAsync("Hello, this is {staff}. How can we help?");
        await Expect(page.Locator("#preview-welcome")).ToHaveTextAsync("Hello, this is Mika Sato. How can we help?");
        await Expect(page.Locator("#preview-sender")).ToContainTextAsync("\"Mika Sato\"");
        await page.GetByLabel("Staff display name format").SelectOptionAsync("none");
        await Expect(page.Locator("#preview-welcome")).ToHaveTextAsync("Hello, this is. How can we help?");
        await ConsoleSession.ScreenshotAsync(page, "settings");
    }

    [Fact]
    public async Task The_what_if_explorer_shows_the_destination_the_rule_chooses_and_why()
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/routing/demo");
        await Expect(page.GetByLabel("Rule kind")).ToHaveValueAsync("alternative");
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();

        await page.GetByLabel("LINE user, group or room id").FillAsync("Uwhatif0000000000000000000000000a");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the destination" }).ClickAsync();
        await Expect(page.Locator("#what-if-answer .destination")).ToHaveTextAsync("desk");
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Why" })).ToContainTextAsync("desk");

        // The staff desk away: nobody takes a new enquiry, and the explorer says so.
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark desk unavailable" }).ClickAsync();
        await Expect(page.GetByText("desk is now unavailable.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the destination" }).ClickAsync();
        await Expect(page.Locator("#what-if-answer .destination")).ToHaveTextAsync("none (missed)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Simulate" }).ClickAsync();
        await Expect(page.Locator("#simulation")).ToContainTextAsync("would find no destination");
        await ConsoleSession.ScreenshotAsync(page, "routing");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark desk available" }).ClickAsync();
        await Expect(page.GetByText("desk is now available", new() { Exact = false })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Simulate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Simulated split" })).ToContainTextAsync("100%");
    }

    [Fact]
    public async Task Enquiries_are_listed_by_state_with_missed_first()
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/enquiries/demo");
        var sections = page.Locator("section[aria-label$=' enquiries'] h2");
        await Expect(sections.First).ToContainTextAsync("Missed");
        await Expect(sections).ToHaveCountAsync(4);
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();
        await ConsoleSession.ScreenshotAsync(page, "enquiries");
    }
}
