import type { ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

// The console's controls come from React Aria Components (Adobe's maintained, unstyled, accessible
// components), styled by styles.css: keyboard, focus and screen-reader behaviour are theirs. They
// run under the page's strict CSP: the two <style> rules they inject are allowed by hash (see
// consoleCsp in tools/start/gateway.ts).
export { Button };

/**
 * A button that asks before it acts: the question in a modal dialog that keeps focus inside and
 * closes on Escape or Cancel. For actions that reach past the screen (a replay sends events again).
 */
export function ConfirmButton(props: { label: string; ariaLabel?: string; title: string; question: ReactNode; confirm: string; cancel: string; isDisabled?: boolean; onConfirm: () => void }) {
  return (
    <DialogTrigger>
      <Button aria-label={props.ariaLabel} isDisabled={props.isDisabled}>
        {props.label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">{props.title}</Heading>
                <p>{props.question}</p>
                <div className="actions">
                  <Button className="secondary" onPress={close}>
                    {props.cancel}
                  </Button>
                  <Button
                    autoFocus
                    onPress={() => {
                      close();
                      props.onConfirm();
                    }}
                  >
                    {props.confirm}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
