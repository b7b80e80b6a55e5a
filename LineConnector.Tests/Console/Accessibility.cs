using Microsoft.Playwright;

namespace LineConnector.Tests.Console;

/// <summary>Checks of a page as assistive technology and the keyboard meet it.</summary>
internal static class Accessibility
{
    /// <summary>
    /// Every visible control (input, select, textarea, button, link) without an accessible name: a
    /// <c>label</c>, <c>aria-label</c>, <c>aria-labelledby</c> or, for buttons and links, its text.
    /// Each is described by its tag, id and type.
    /// </summary>
    public static Task<string[]> UnlabelledControlsAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => [...document.querySelectorAll('input, select, textarea, button, a[href]')]
          .filter(c => c.offsetParent !== null || c.getClientRects().length > 0)
          .filter(c => {
            if (c.getAttribute('aria-label')?.trim()) return false;
            const by = c.getAttribute('aria-labelledby');
            if (by && by.split(' ').some(id => document.getElementById(id)?.textContent.trim())) return false;
            if (c.labels && [...c.labels].some(l => l.textContent.trim())) return false;
            if ((c.tagName === 'BUTTON' || c.tagName === 'A') && c.textContent.trim()) return false;
            if (c.tagName === 'A' && c.querySelector('img[alt]:not([alt=""])')) return false;
            return true;
          })
          .map(c => `${c.tagName.toLowerCase()}#${c.id} type=${c.type || ''} ${c.outerHTML.slice(0, 80)}`)
        """);

    /// <summary>Presses Tab until an element matching <paramref name="selector"/> has the focus; fails after <paramref name="maxTabs"/>.</summary>
    public static async Task TabToAsync(IPage page, string selector, int maxTabs = 40)
    {
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
        }

        throw new InvalidOperationException($"{selector} was not reached with {maxTabs} presses of Tab.");
    }
}
