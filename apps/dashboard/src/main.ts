import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';
import { applyTheme, storedTheme } from './app/shell/theme';

// A stored light/dark choice applies before the first frame (no inline script: the CSP forbids it).
applyTheme(storedTheme());
bootstrapApplication(App, appConfig).catch((err) => console.error(err));
