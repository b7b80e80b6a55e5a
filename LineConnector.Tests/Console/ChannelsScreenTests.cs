using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LineConnector.Tests.Console;

/// <summary>The channels screen and its create wizard, in chromium, with the keyboard only where it matters.</summary>
[Collection(ConsoleSession.Collection)]
public sealed class ChannelsScreenTests(ConsoleSession session)
{
    [Fact]
    public async Task A_channel_is_created_through_the_wizard_with_the_keyboard_and_LINE_shows_its_bot()
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/channels");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Channels" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Demo demo" })).ToBeVisibleAsync();
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();
        await ConsoleSession.ScreenshotAsync(page, "channels");

        await page.GetByRole(AriaRole.Link, new() { Name = "Create channel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Step 1 of 7: Name" })).ToBeFocusedAsync();
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();

        // Step 1 by keyboard: Tab into each labelled field, type, and press Enter on Next.
        await Accessibility.TabToAsync(page, "input[name=id]");
        await page.Keyboard.TypeAsync("wizard-shop");
        await Accessibility.TabToAsync(page, "input[name=name]");
        await page.Keyboard.TypeAsync("Wizard Shop");
        await Accessibility.TabToAsync(page, "button.primary");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Step 2 of 7: Channel secret" })).ToBeFocusedAsync();
        await page.GetByLabel("Channel secret").FillAsync("wizard-secret-0123456789");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await page.GetByLabel("Channel access token").FillAsync("wizard-long-lived-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(page.Locator("#webhook-url")).ToHaveTextAsync(new Uri(session.BaseAddress, "api/line/wizard-shop").ToString());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy webhook URL" })).ToBeVisibleAsync();
        await ConsoleSession.ScreenshotAsync(page, "wizard-webhook-url");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        // LINE's greeting and auto-response must be turned off before going on.
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Step 5 of 7: LINE auto-replies" })).ToBeVisibleAsync();
        await page.GetByLabel("I have turned off LINE's greeting message and auto-response").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(page.GetByLabel("Destination webhook URL")).ToHaveValueAsync(new Uri(session.BaseAddress, "playground/desk/wizard-shop/desk").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        await Expect(page.Locator("#bot-check .bot-name")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Playground bot "));
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Picture of Playground bot") })).ToBeVisibleAsync();
        await ConsoleSession.ScreenshotAsync(page, "wizard-check");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create channel" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Wizard Shop wizard-shop" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new System.Text.RegularExpressions.Regex("Wizard Shop") }).GetByText("active")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_41_character_name_shows_the_limit_and_the_wizard_does_not_go_on()
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/channels/new");
        await page.GetByLabel("Channel id").FillAsync("long-name");
        await page.GetByLabel("Channel name").FillAsync(new string('n', 41));

        await Expect(page.GetByText("The channel name can be up to 40 characters.")).ToBeVisibleAsync();
        await Expect(page.GetByText("41 / 40")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Channel name")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Step 1 of 7: Name" })).ToBeVisibleAsync();
        await ConsoleSession.ScreenshotAsync(page, "wizard-name-limit");

        await page.GetByLabel("Channel name").FillAsync(new string('n', 40));
        await Expect(page.GetByText("40 / 40")).ToBeVisibleAsync();
        await Expect(page.GetByText("The channel name can be up to 40 characters.")).ToBeHiddenAsync();
    }
}
