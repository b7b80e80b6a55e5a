using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LineConnector.Tests.Console;

/// <summary>A delivery LINE's limits refuse shows with its reason; usage is drawn from what happened.</summary>
[Collection(ConsoleSession.Collection)]
public sealed class FailuresAndUsageScreenTests(ConsoleSession session)
{
    [Fact]
    public async Task A_failed_delivery_shows_its_reason_and_usage_counts_the_enquiry()
    {
        var playground = await session.NewPageAsync();
        await playground.GotoAsync(session.ConsoleUrl + "#/playground/demo");
        await playground.GetByLabel("Act as").SelectOptionAsync(new SelectOptionValue { Label = "Aiko Tanaka" });
        await playground.GetByLabel("Conversation").SelectOptionAsync(new SelectOptionValue { Label = "Group: Weekend trip" });
        await playground.GetByLabel("Message").FillAsync("Can we book for six people?");
        await playground.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await playground.GetByRole(AriaRole.Button, new() { Name = "Send sticker Thanks" }).ClickAsync();

        var desk = await session.NewPageAsync();
        await desk.GotoAsync(session.ConsoleUrl + "#/desk");
        var enquiry = desk.GetByRole(AriaRole.Region).Filter(new() { HasText = "Can we book for six people?" });
        await Expect(enquiry).ToContainTextAsync("[sticker 789/10855]");
        // One character over LINE's (and the channel's) 4,999: accepted by the enquiry API, refused on delivery.
        await enquiry.GetByLabel(new Regex("^Reply to enquiry")).FillAsync(new string('a', 5_000));
        await enquiry.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(enquiry.GetByText("Not delivered (failed)", new() { Exact = false })).ToBeVisibleAsync(new() { Timeout = 15_000 });

        var page = await session.NewPageAsync();
        await page.GotoAsync(session.ConsoleUrl + "#/failures/demo");
        var failed = page.GetByRole(AriaRole.Table, new() { Name = "Failed deliveries" });
        await Expect(failed).ToContainTextAsync("refused");
        await Expect(failed.Locator(".reason").First).ToContainTextAsync("4,999");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Dead letters" })).ToContainTextAsync("No dead letters on line-outbound.");
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();
        await ConsoleSession.ScreenshotAsync(page, "failures");

        await page.GotoAsync(session.ConsoleUrl + "#/usage/demo");
        var enquiries = page.Locator(".kpi div").First;
        await Expect(enquiries).ToContainTextAsync("enquiries");
        int.Parse((await enquiries.Locator("strong").TextContentAsync())!, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^Enquiries per day") })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^LINE requests per day") })).ToBeVisibleAsync();
        (await Accessibility.UnlabelledControlsAsync(page)).Should().BeEmpty();
        await ConsoleSession.ScreenshotAsync(page, "usage");
    }
}
