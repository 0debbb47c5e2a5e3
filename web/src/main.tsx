import '@mantine/core/styles.css';
import './contrast.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';

/** The darkest shade of each color for filled buttons keeps white text above the 4.5:1 contrast of WCAG AA. */
const theme = createTheme({ primaryShade: 9 });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
